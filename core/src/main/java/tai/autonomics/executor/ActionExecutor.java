package tai.autonomics.executor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * Runs remediation actions with bounded concurrency: at most pool-size + max-overflow actions run at once on the
 * {@code autonomics.executor.blocking-dispatcher}, the rest wait in a bounded queue. Each action writes an
 * {@code action_attempt} receipt before it runs and an {@code action_result} receipt after, then its governor is
 * told how it ended.
 */
public final class ActionExecutor {

  public sealed interface Command extends CborSerializable permits Execute, Finished {}

  public record Execute(Action action, ActorRef<ActionOutcome> replyTo) implements Command {}

  private record Finished(Execute execute, ActionOutcome outcome) implements Command {}

  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ExecutorSettings settings) {
    return Behaviors.setup(context -> new ActionExecutor(context, ledger, settings).running());
  }

  private final ActorContext<Command> context;
  private final ActorRef<Ledger.Command> ledger;
  private final ExecutorSettings settings;
  private final Executor blocking;
  private final Deque<Execute> queue = new ArrayDeque<>();
  private int busy;

  private ActionExecutor(ActorContext<Command> context, ActorRef<Ledger.Command> ledger, ExecutorSettings settings) {
    this.context = context;
    this.ledger = ledger;
    this.settings = settings;
    this.blocking = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("autonomics.executor.blocking-dispatcher"));
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Execute.class, this::onExecute)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  private Behavior<Command> onExecute(Execute execute) {
    if (busy < settings.poolSize() + settings.maxOverflow()) {
      start(execute);
    } else if (queue.size() < settings.queueCapacity()) {
      queue.add(execute);
    } else {
      execute.replyTo().tell(new ActionOutcome.Failed(execute.action().id(), "overloaded", 0));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFinished(Finished finished) {
    busy--;
    Action action = finished.execute().action();
    Receipt.Builder result = Receipt.draft(ReceiptType.ACTION_RESULT, action.tenantId())
        .action(action.id(), action.type())
        .attempts(attemptsOf(finished.outcome()));
    if (finished.outcome() instanceof ActionOutcome.Completed completed) {
      result.states("running", "completed").reason(completed.result());
    } else {
      result.states("running", "failed").reason(((ActionOutcome.Failed) finished.outcome()).reason());
    }
    ledger.tell(new Ledger.Append(result.build(), context.getSystem().ignoreRef()));
    finished.execute().replyTo().tell(finished.outcome());
    if (!queue.isEmpty()) {
      start(queue.poll());
    }
    return Behaviors.same();
  }

  private void start(Execute execute) {
    busy++;
    Action action = execute.action();
    ledger.tell(new Ledger.Append(Receipt.draft(ReceiptType.ACTION_ATTEMPT, action.tenantId())
        .action(action.id(), action.type()).attempts(1).build(), context.getSystem().ignoreRef()));
    CompletableFuture<ActionOutcome> run = CompletableFuture.supplyAsync(() -> simulate(action), blocking)
        .orTimeout(settings.deadline().toMillis(), TimeUnit.MILLISECONDS);
    context.pipeToSelf(run, (outcome, failure) -> new Finished(execute,
        failure == null ? outcome : new ActionOutcome.Failed(action.id(), "timeout", 1)));
  }

  /** The simulated effector: configured latency and failure rate, nothing outside the process is touched. */
  private ActionOutcome simulate(Action action) {
    long nanos = settings.simulatedLatency().toNanos();
    if (nanos > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }
    if (ThreadLocalRandom.current().nextDouble() < settings.simulatedFailureRate()) {
      return new ActionOutcome.Failed(action.id(), "simulated_failure", 1);
    }
    return new ActionOutcome.Completed(action.id(), "simulated", 1);
  }

  private static int attemptsOf(ActionOutcome outcome) {
    return outcome instanceof ActionOutcome.Completed c ? c.attempts() : ((ActionOutcome.Failed) outcome).attempts();
  }
}
