package tai.autonomics.governor;

import java.util.HexFormat;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.executor.Action;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.Signal;

/**
 * Drafts one governor's receipts and hands them to the ledger. The ledger answers {@code replyTo} once the receipt
 * is durable, so the governor itself never waits for the disk and never answers a signal before its receipt is
 * written. Transitions that no caller waits for (action ended, quarantine over) go to {@code nobody}.
 */
final class GovernorReceipts {
  private static final HexFormat HEX = HexFormat.of();

  private final String tenantId;
  private final ActorRef<Ledger.Command> ledger;
  private final ActorRef<StatusReply<Receipt>> nobody;

  GovernorReceipts(String tenantId, ActorRef<Ledger.Command> ledger, ActorRef<StatusReply<Receipt>> nobody) {
    this.tenantId = tenantId;
    this.ledger = ledger;
    this.nobody = nobody;
  }

  /** A decision on a signal: a transition (possibly to the same state) or a refusal. */
  void decided(ReceiptType type, GovernorState from, GovernorState to, String reason, Signal signal,
      GovernorData data, Action action, ActorRef<StatusReply<Receipt>> replyTo) {
    Receipt.Builder draft = Receipt.draft(type, tenantId)
        .states(from.wireName(), to.wireName())
        .reason(reason)
        .policy(data.pack().reference())
        .signal(signal.metric(), signal.value(), signal.timestampMs())
        .messageId(signal.messageId());
    if (action != null) {
      draft.action(action.id(), action.type());
    }
    ledger.tell(new Ledger.Append(draft.build(), replyTo));
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

  /** 32 lowercase hex characters: also the webhook's Idempotency-Key, so it must not be guessable or repeat. */
  static String newActionId() {
    UUID uuid = UUID.randomUUID();
    return HEX.toHexDigits(uuid.getMostSignificantBits()) + HEX.toHexDigits(uuid.getLeastSignificantBits());
  }
}
