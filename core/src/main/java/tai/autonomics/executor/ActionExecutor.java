package tai.autonomics.executor;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Ledger;

/**
 * The action pool (docs/ARCHITECTURE.md): pool-size {@link ActionWorker}s started up front, up to max-overflow more started
 * when every worker is busy and retired after overflow-idle-timeout of idleness (poolboy's size and max_overflow),
 * then a bounded FIFO queue. A full queue refuses at once as {@code overloaded}; an action still waiting after the
 * checkout timeout fails as {@code pool_timeout}. Every refusal is answered and written as an {@code action_result}
 * receipt; the workers write the receipts of the actions they run and answer the governors themselves.
 *
 * <p>Why a pool actor and not a Pekko router: a router hands each message at once to a routee's unbounded mailbox,
 * so it has no shared queue to bound, no free worker to check out and no checkout timeout.
 *
 * <p>The pool has a single state; its bookkeeping ({@link WorkerBook}, {@link WaitQueue}) is mutable and used only
 * here, since it changes on every message. A failing worker (supervised with stop, watched) has its action failed
 * as {@code worker_failed} and is replaced.
 */
public final class ActionExecutor {

  public sealed interface Command extends CborSerializable
      permits Execute, GetStatus, WorkerFree, WorkerRetrying, WorkerStopped, ReceiptNotWritten, Tick {}

  /** Run {@code action}; {@code replyTo} is told how it ended, exactly once. */
  public record Execute(Action action, ActorRef<ActionOutcome> replyTo) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public record Status(int workers, int busy, int idle, int queued) implements CborSerializable {}

  /** From a worker: its action ended and it can take the next one. */
  record WorkerFree(ActorRef<ActionWorker.Command> worker) implements Command {}

  /** From a worker: it starts attempt {@code attempt}, so a failure now has made that many attempts. */
  record WorkerRetrying(ActorRef<ActionWorker.Command> worker, int attempt) implements Command {}

  private record WorkerStopped(ActorRef<ActionWorker.Command> worker) implements Command {}

  private record ReceiptNotWritten(String reason) implements Command {}

  private enum Tick implements Command { CHECKOUT_EXPIRY, RETIRE_IDLE, SAMPLE_UTILISATION }

  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ExecutorSettings settings,
      MeterRegistry registry) {
    return Behaviors.setup(context -> create(ledger, settings, registry,
        Effectors.create(settings, context.getSystem())));
  }

  /** With the effectors given rather than configured: for tests and embedders with effectors of their own. */
  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ExecutorSettings settings,
      MeterRegistry registry, Effectors effectors) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ActionExecutor(context, timers, ledger, settings, registry, effectors).running()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ExecutorSettings settings;
  private final Effectors effectors;
  private final ExecutorMetrics metrics;
  private final ActionReceipts receipts;
  private final WorkerBook book;
  private final WaitQueue queue;
  private final UtilisationSampler utilisation;
  private long spawned;

  private ActionExecutor(ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<Ledger.Command> ledger, ExecutorSettings settings, MeterRegistry registry, Effectors effectors) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.effectors = effectors;
    this.metrics = new ExecutorMetrics(registry, settings.maxWorkers());
    this.book = new WorkerBook(settings);
    this.queue = new WaitQueue(settings, this::timedOut);
    this.utilisation = new UtilisationSampler(metrics, settings.maxWorkers());
    this.receipts = new ActionReceipts(ledger, context.messageAdapter(Ledger.NotRecorded.class,
        failed -> new ReceiptNotWritten(failed.reason())), metrics);
    long now = System.nanoTime();
    for (int i = 0; i < settings.poolSize(); i++) {
      book.idle(spawnWorker(), now);
    }
    timers.startTimerAtFixedRate(Tick.SAMPLE_UTILISATION, settings.utilisationWindow());
    changed(now);
  }

  // the only state: hands actions to free workers, queues or refuses the rest
  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Execute.class, this::onExecute)
        .onMessage(WorkerFree.class, this::onWorkerFree)
        .onMessage(WorkerRetrying.class, this::onWorkerRetrying)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(Tick.class, this::onTick)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(ReceiptNotWritten.class, this::onReceiptNotWritten)
        .onSignal(PreRestart.class, signal -> onStopping())
        .onSignal(PostStop.class, signal -> onStopping())
        .build();
  }

  private Behavior<Command> onExecute(Execute execute) {
    long now = System.nanoTime();
    ActorRef<ActionWorker.Command> free = book.pollIdle();
    if (free != null) {
      dispatch(free, execute, now, now);
    } else if (book.workers() < settings.maxWorkers()) {
      dispatch(spawnWorker(), execute, now, now);
    } else if (queue.offer(execute, now)) {
      if (queue.size() == 1) {
        timers.startSingleTimer(Tick.CHECKOUT_EXPIRY, settings.checkoutTimeout());
      }
    } else {
      receipts.refused(execute, "received", "overloaded", 0);
    }
    changed(now);
    return Behaviors.same();
  }

  private Behavior<Command> onWorkerFree(WorkerFree free) {
    if (!book.freed(free.worker())) {
      return Behaviors.same();
    }
    long now = System.nanoTime();
    makeAvailable(free.worker(), now);
    changed(now);
    return Behaviors.same();
  }

  private Behavior<Command> onWorkerRetrying(WorkerRetrying retrying) {
    book.retrying(retrying.worker(), retrying.attempt());
    return Behaviors.same();
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped stopped) {
    WorkerBook.Busy lost = book.stopped(stopped.worker());
    if (lost != null) {
      context.getLog().warn("worker {} failed while running action {}; replacing it",
          stopped.worker().path().name(), lost.execute().action().id());
      receipts.refused(lost.execute(), "running", "worker_failed", lost.attempts());
    }
    long now = System.nanoTime();
    if (book.workers() < settings.poolSize() || !queue.isEmpty()) {
      makeAvailable(spawnWorker(), now);
    }
    changed(now);
    return Behaviors.same();
  }

  private Behavior<Command> onTick(Tick tick) {
    long now = System.nanoTime();
    switch (tick) {
      case CHECKOUT_EXPIRY -> expireWaiting(now);
      case RETIRE_IDLE -> retireIdle(now);
      case SAMPLE_UTILISATION -> utilisation.sample(now);
    }
    changed(now);
    return Behaviors.same();
  }

  /** The workers stop with the pool, so every action it holds is answered here rather than left to a deadline. */
  private Behavior<Command> onStopping() {
    book.drainBusy(b -> receipts.refused(b.execute(), "running", "executor_stopped", b.attempts()));
    queue.drain(waiting -> receipts.refused(waiting.execute(), "queued", "executor_stopped", 0));
    metrics.close();
    return Behaviors.same();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(new Status(book.workers(), book.busy(), book.idle(), queue.size()));
    return Behaviors.same();
  }

  private Behavior<Command> onReceiptNotWritten(ReceiptNotWritten failed) {
    metrics.receiptFailed();
    context.getLog().warn("action receipt not written: {}", failed.reason());
    return Behaviors.same();
  }

  /** A free worker takes the oldest waiting action that has not yet outwaited the checkout timeout. */
  private void makeAvailable(ActorRef<ActionWorker.Command> worker, long now) {
    WaitQueue.Waiting next = queue.pollLive(now);
    if (next != null) {
      dispatch(worker, next.execute(), next.arrived(), now);
      return;
    }
    book.idle(worker, now);
    if (book.overflowing() && !timers.isTimerActive(Tick.RETIRE_IDLE)) {
      timers.startSingleTimer(Tick.RETIRE_IDLE, settings.overflowIdleTimeout());
    }
  }

  private void dispatch(ActorRef<ActionWorker.Command> worker, Execute execute, long arrived, long now) {
    book.checkedOut(worker, execute);
    metrics.queueWait(now - arrived);
    worker.tell(new ActionWorker.Run(execute, now));
  }

  private void expireWaiting(long now) {
    Duration next = queue.expire(now);
    if (next != null) {
      timers.startSingleTimer(Tick.CHECKOUT_EXPIRY, next);
    }
  }

  private void timedOut(WaitQueue.Waiting waiting, long now) {
    metrics.queueWait(now - waiting.arrived());
    receipts.refused(waiting.execute(), "queued", "pool_timeout", 0);
  }

  /** Stops the least recently used idle workers beyond pool-size that have been idle for the whole timeout. */
  private void retireIdle(long now) {
    ActorRef<ActionWorker.Command> worker;
    while ((worker = book.retireDue(now)) != null) {
      context.unwatch(worker);
      context.stop(worker);
    }
    if (book.overflowing()) {
      timers.startSingleTimer(Tick.RETIRE_IDLE, book.untilNextRetirement(now));
    }
  }

  private ActorRef<ActionWorker.Command> spawnWorker() {
    ActorRef<ActionWorker.Command> worker = context.spawn(
        Behaviors.supervise(ActionWorker.create(context.getSelf(), receipts, effectors, settings, metrics))
            .onFailure(SupervisorStrategy.stop()),
        "worker-" + (++spawned));
    context.watchWith(worker, new WorkerStopped(worker));
    book.started();
    return worker;
  }

  private void changed(long now) {
    metrics.poolChanged(now, book.workers(), book.busy(), queue.size());
  }
}
