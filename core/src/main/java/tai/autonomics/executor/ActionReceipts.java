package tai.autonomics.executor;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * The executor's receipts (docs/RECEIPTS.md): one {@code action_attempt} per attempt a worker starts, and one
 * {@code action_result} per action, written by the worker that ran it or by the pool that could not run it. They
 * are recorded, never waited for: the ledger tells {@code failures} (the pool, which logs and counts them) only of
 * receipts it could not write. A draft takes its timestamp when it is made, so callers make it when it records.
 */
final class ActionReceipts {
  private final ActorRef<Ledger.Command> ledger;
  private final ActorRef<Ledger.NotRecorded> failures;
  private final ExecutorMetrics metrics;

  ActionReceipts(ActorRef<Ledger.Command> ledger, ActorRef<Ledger.NotRecorded> failures, ExecutorMetrics metrics) {
    this.ledger = ledger;
    this.failures = failures;
    this.metrics = metrics;
  }

  /** Records {@code receipts} in this order, as one batch: sealed next to each other in the chain. */
  void record(Receipt... receipts) {
    ledger.tell(new Ledger.Record(List.of(receipts), failures));
  }

  /** Ends an action the pool could not (or no longer can) run: its result receipt, the caller's answer, a count. */
  void refused(ActionExecutor.Execute execute, String stateFrom, String reason, int attempts) {
    Action action = execute.action();
    record(result(action, attempts, stateFrom, "failed", reason));
    execute.replyTo().tell(new ActionOutcome.Failed(action.id(), reason, attempts));
    metrics.counted(reason);
  }

  /** Attempt {@code attempt} of {@code action}; {@code lastFailure} is why the one before failed, null on the first. */
  static Receipt attempt(Action action, int attempt, String lastFailure) {
    Receipt.Builder draft = Receipt.draft(ReceiptType.ACTION_ATTEMPT, action.tenantId())
        .action(action.id(), action.type())
        .attempts(attempt);
    if (lastFailure != null) {
      draft.reason("retry after " + lastFailure);
    }
    return draft.build();
  }

  /** How an action a worker ran ended: completed with its result, or failed with its reason. */
  static Receipt result(Action action, int attempts, ActionOutcome outcome) {
    if (outcome instanceof ActionOutcome.Completed completed) {
      return result(action, attempts, "running", "completed", completed.result());
    }
    return result(action, attempts, "running", "failed", ((ActionOutcome.Failed) outcome).reason());
  }

  static Receipt result(Action action, int attempts, String stateFrom, String stateTo, String reason) {
    return Receipt.draft(ReceiptType.ACTION_RESULT, action.tenantId())
        .action(action.id(), action.type())
        .attempts(attempts)
        .states(stateFrom, stateTo)
        .reason(reason)
        .build();
  }
}
