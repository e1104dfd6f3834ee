package tai.autonomics.governor;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.executor.Action;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.Decision;
import tai.autonomics.policy.Signal;

/**
 * Drafts one governor's receipts and hands them to the ledger. The ledger answers {@code replyTo} once the receipt
 * is durable, so the governor itself never waits for the disk and never answers a signal before its receipt is
 * written. Transitions that no caller waits for (action ended, quarantine over) go to {@code nobody}.
 */
final class GovernorReceipts {

  private final String tenantId;
  private final ActorRef<Ledger.Command> ledger;
  private final ActorRef<StatusReply<Receipt>> nobody;

  GovernorReceipts(String tenantId, ActorRef<Ledger.Command> ledger, ActorRef<StatusReply<Receipt>> nobody) {
    this.tenantId = tenantId;
    this.ledger = ledger;
    this.nobody = nobody;
  }

  String tenantId() {
    return tenantId;
  }

  /** A decision on a signal in stable or warning; {@code action} is the one an act decision starts. */
  void decided(GovernorState from, Decision decision, Action action, Governor.ProcessSignal message,
      GovernorData data) {
    if (decision instanceof Decision.Refuse refuse) {
      append(ReceiptType.REFUSAL, from, from, refuse.reason(), message, data, null);
    } else if (decision instanceof Decision.Ok) {
      append(ReceiptType.TRANSITION, from, GovernorState.STABLE, "ok", message, data, null);
    } else if (decision instanceof Decision.Warn warn) {
      append(ReceiptType.TRANSITION, from, GovernorState.WARNING, warn.reason(), message, data, null);
    } else {
      append(ReceiptType.TRANSITION, from, GovernorState.INTERVENING, "act", message, data, action);
    }
  }

  /** A signal refused while refusing. */
  void refused(String reason, Governor.ProcessSignal message, GovernorData data) {
    append(ReceiptType.REFUSAL, GovernorState.REFUSING, GovernorState.REFUSING, reason, message, data, null);
  }

  private void append(ReceiptType type, GovernorState from, GovernorState to, String reason,
      Governor.ProcessSignal message, GovernorData data, Action action) {
    Signal signal = message.signal();
    Receipt.Builder draft = Receipt.draft(type, tenantId)
        .states(from.wireName(), to.wireName())
        .reason(reason)
        .policy(data.pack().reference())
        .signal(signal.metric(), signal.value(), signal.timestampMs())
        .messageId(signal.messageId())
        .delivery(signal.delivery());
    if (action != null) {
      draft.action(action.id(), action.type());
    }
    ledger.tell(new Ledger.Append(draft.build(), message.replyTo()));
  }

  /** A transition not caused by a signal. */
  void transition(GovernorState from, GovernorState to, String reason, GovernorData data) {
    Receipt draft = Receipt.draft(ReceiptType.TRANSITION, tenantId)
        .states(from.wireName(), to.wireName())
        .reason(reason)
        .policy(data.pack().reference())
        .build();
    ledger.tell(new Ledger.Append(draft, nobody));
  }

}
