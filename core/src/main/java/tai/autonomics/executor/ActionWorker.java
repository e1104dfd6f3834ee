package tai.autonomics.executor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Receipt;

/**
 * Runs one action at a time for the {@link ActionExecutor} pool: each attempt writes an {@code action_attempt}
 * receipt (one per attempt, so retries are visible in the chain) and starts the type's effector; a retryable
 * failure is retried after an exponential, jittered backoff up to max-attempts; the deadline (all attempts and
 * backoffs included) ends it as {@code timeout}. At the end it writes the {@code action_result} receipt, tells the
 * governor {@link ActionOutcome.Completed} or {@link ActionOutcome.Failed}, and reports itself free to the pool.
 *
 * <p>Lifecycle: spawned and watched by the pool, stopped by it when retired. An exception thrown by an effector
 * fails the worker; the pool then fails its action as {@code worker_failed} and starts a replacement. Answers of an
 * attempt the worker no longer waits for (after a deadline) carry an earlier {@link Run} and are dropped.
 */
public final class ActionWorker {

  public sealed interface Command extends CborSerializable
      permits Run, AttemptEnded, RetryDue, DeadlineDue {}

  /** Run {@code execute} now; {@code checkedOut} (System.nanoTime) is when the pool handed it over. */
  public record Run(ActionExecutor.Execute execute, long checkedOut) implements Command {}

  // the worker's own messages carry the Run they belong to, compared by identity with the current one: an answer
  // to a run that has ended is stale
  private record AttemptEnded(Run run, int attempt, Effector.Result result) implements Command {}

  private record RetryDue(Run run, int attempt) implements Command {}

  private record DeadlineDue(Run run) implements Command {}

  private enum TimerKey { DEADLINE, RETRY }

  /**
   * The action being run: {@code attempt} is the latest attempt started, {@code lastFailure} why the one before
   * failed.
   */
  private record Job(Run run, long started, int attempt, String lastFailure) {
    ActionExecutor.Execute execute() {
      return run.execute();
    }

    Action action() {
      return run.execute().action();
    }

    Job retry(int nextAttempt, String failure) {
      return new Job(run, started, nextAttempt, failure);
    }
  }

  static Behavior<Command> create(ActorRef<ActionExecutor.Command> pool, ActionReceipts receipts,
      Effectors effectors, ExecutorSettings settings, ExecutorMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ActionWorker(context, timers, pool, receipts, effectors, settings, metrics).idle));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ActionExecutor.Command> pool;
  private final ActionReceipts receipts;
  private final Effectors effectors;
  private final ExecutorSettings settings;
  private final ExecutorMetrics metrics;
  // the idle state has no data, so it is built once rather than after every action
  private final Behavior<Command> idle;
  // whether a timer may be running, so an action that never waited does not pay for cancelling none
  private boolean timed;
  // the running attempt, cancelled when the deadline ends the action (an effector may stop early on cancel)
  private CompletableFuture<Effector.Result> inFlight;

  private ActionWorker(ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<ActionExecutor.Command> pool, ActionReceipts receipts, Effectors effectors, ExecutorSettings settings,
      ExecutorMetrics metrics) {
    this.context = context;
    this.timers = timers;
    this.pool = pool;
    this.receipts = receipts;
    this.effectors = effectors;
    this.settings = settings;
    this.metrics = metrics;
    this.idle = idle();
  }

  // waits for the pool to hand over an action
  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Run.class, this::onRun)
        .onAnyMessage(stale -> Behaviors.same())
        .build();
  }

  // waits for the effector to answer the current attempt, or the deadline
  private Behavior<Command> attempting(Job job) {
    // built for every attempt that waits, so a plain function rather than a receive builder (several objects a case)
    return Behaviors.receiveMessage(command -> {
      if (command instanceof AttemptEnded ended) {
        return ended.run() == job.run() ? onAttemptEnded(job, ended) : Behaviors.same();
      }
      return whileBusy(job, command);
    });
  }

  // waits out the backoff before the next attempt, or the deadline
  private Behavior<Command> backingOff(Job job) {
    return Behaviors.receiveMessage(command -> {
      if (command instanceof RetryDue due) {
        return due.run() == job.run() ? onRetryDue(job, due) : Behaviors.same();
      }
      return whileBusy(job, command);
    });
  }

  /** What attempting and backing off answer alike; answers of an earlier run are stale and dropped. */
  private Behavior<Command> whileBusy(Job job, Command command) {
    if (command instanceof DeadlineDue due) {
      return due.run() == job.run() ? onDeadline(job) : Behaviors.same();
    } else if (command instanceof Run run) {
      return onRunWhileBusy(run);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRun(Run run) {
    Behavior<Command> next = attempt(new Job(run, System.nanoTime(), 1, null));
    // ended at once: staying in the same behavior spares the supervisor and timers re-wrapping a "new" one
    return next == idle ? Behaviors.same() : next;
  }

  private Behavior<Command> onRunWhileBusy(Run run) {
    // the pool hands actions only to free workers; answer rather than lose the caller's action if that ever breaks
    context.getLog().error("worker busy, refusing action {}", run.execute().action().id());
    run.execute().replyTo().tell(new ActionOutcome.Failed(run.execute().action().id(), "worker_busy", 0));
    return Behaviors.same();
  }

  /**
   * Starts the attempt and writes its receipt. The draft is made first, so its timestamp is the attempt's start.
   * An effector that answers at once (zero latency, a refusal) ends the attempt here: no message to self, no
   * deadline timer, and when the action ends with it, its attempt and result receipts go to the ledger as one
   * AppendBatch (one message and one answer instead of two of each; sealed next to each other in the chain). Either
   * way the attempt receipt reaches the ledger before the result receipt and before the governor hears of the
   * outcome, and neither receipt was ever waited for: an attempt receipt told before the effector started was no
   * more durable at that moment than one told just after.
   */
  private Behavior<Command> attempt(Job job) {
    Action action = job.action();
    Receipt attemptReceipt = ActionReceipts.attempt(action, job.attempt(), job.lastFailure());
    CompletableFuture<Effector.Result> stage;
    try {
      stage = effectors.forType(action.type()).attempt(action, job.attempt()).toCompletableFuture();
    } catch (RuntimeException | Error e) {
      // fails the worker on purpose (the pool fails the action and replaces the worker); the attempt was made
      receipts.record(attemptReceipt);
      throw e;
    }
    if (stage.isDone()) {
      return onAttemptEnded(job, EffectorResults.of(stage), attemptReceipt);
    }
    receipts.record(attemptReceipt);
    startDeadline(job);
    inFlight = stage;
    Run run = job.run();
    int attempt = job.attempt();
    context.pipeToSelf(stage, (result, failure) -> new AttemptEnded(run, attempt, EffectorResults.of(result, failure)));
    return attempting(job);
  }

  private Behavior<Command> onAttemptEnded(Job job, AttemptEnded ended) {
    inFlight = null;
    return onAttemptEnded(job, ended.result(), null);
  }

  /** {@code unwritten}: the attempt's receipt when it is still to be written, with the result if the action ends. */
  private Behavior<Command> onAttemptEnded(Job job, Effector.Result result, Receipt unwritten) {
    if (result instanceof Effector.Succeeded succeeded) {
      return finish(job, new ActionOutcome.Completed(job.action().id(), succeeded.result(), job.attempt()),
          "completed", unwritten);
    }
    Effector.Failed failed = (Effector.Failed) result;
    if (!failed.retryable() || job.attempt() >= settings.maxAttempts()) {
      return finish(job, new ActionOutcome.Failed(job.action().id(), failed.reason(), job.attempt()), "failed",
          unwritten);
    }
    if (unwritten != null) {
      receipts.record(unwritten);
    }
    metrics.retried(job.action().type());
    startDeadline(job);
    timers.startSingleTimer(TimerKey.RETRY, new RetryDue(job.run(), job.attempt() + 1),
        Backoff.after(settings, job.attempt()));
    return backingOff(job.retry(job.attempt(), failed.reason()));
  }

  private Behavior<Command> onRetryDue(Job job, RetryDue due) {
    pool.tell(new ActionExecutor.WorkerRetrying(context.getSelf(), due.attempt()));
    return attempt(job.retry(due.attempt(), job.lastFailure()));
  }

  private Behavior<Command> onDeadline(Job job) {
    if (inFlight != null) {
      inFlight.cancel(true);
      inFlight = null;
    }
    return finish(job, new ActionOutcome.Failed(job.action().id(), "timeout", job.attempt()), "timeout", null);
  }

  private Behavior<Command> finish(Job job, ActionOutcome outcome, String outcomeTag, Receipt unwrittenAttempt) {
    if (timed) {
      timers.cancelAll();
      timed = false;
    }
    Action action = job.action();
    Receipt result = ActionReceipts.result(action, job.attempt(), outcome);
    // told in this order, so the result receipt reaches the ledger before anything the governor writes after it
    if (unwrittenAttempt != null) {
      receipts.record(unwrittenAttempt, result);
    } else {
      receipts.record(result);
    }
    job.execute().replyTo().tell(outcome);
    metrics.actionEnded(action.type(), outcomeTag, System.nanoTime() - job.run().checkedOut());
    pool.tell(new ActionExecutor.WorkerFree(context.getSelf()));
    return idle;
  }

  /**
   * The deadline counts from the start of the action; its timer starts only once the action has to wait (an
   * attempt still running, a backoff), since one that ends within its first call cannot outlive it.
   */
  private void startDeadline(Job job) {
    if (!timers.isTimerActive(TimerKey.DEADLINE)) {
      long left = settings.deadline().toNanos() - (System.nanoTime() - job.started());
      timers.startSingleTimer(TimerKey.DEADLINE, new DeadlineDue(job.run()), Duration.ofNanos(Math.max(left, 0)));
      timed = true;
    }
  }
}
