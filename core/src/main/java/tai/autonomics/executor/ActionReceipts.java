package tai.autonomics.executor;

import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * Drafts the executor's receipts (docs/RECEIPTS.md): one {@code action_attempt} per attempt a worker starts, and
 * one {@code action_result} per action, written by the worker that ran it or by the pool that could not run it.
 * Pure functions; a draft takes its timestamp when it is made, so callers make it at the moment it records.
 */
final class ActionReceipts {

  private ActionReceipts() {}

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
