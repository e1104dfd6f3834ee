package tai.autonomics.governor;

import java.util.Map;
import java.util.TreeMap;
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
 * written. Transitions that no caller waits for (action ended, quarantine over) go to {@code nobody}. Every receipt
 * carries the governor's memory after it as {@code inputs} (absent when there is none), which boot restores.
 */
final class GovernorReceipts {

  /** The outcome of an act-level decision that started nothing: paused tenant or dry-run pack. */
  static final String WOULD_ACT = "would_act";
  static final String NO_DATA = "no_data";
  static final String OPERATOR = "operator";
  static final String WHY = "would_act_because";
  /** On an ok decision: the relax action came due and what held it back (cooldown, rate_limited). */
  static final String RELAX_HELD = "relax_held";

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

  /**
   * A decision on a signal in stable or warning, moving to {@code to}; {@code action} is the one an act decision
   * starts; {@code data} is what the governor knows after it, {@code inputs} what the decision was made from (its
   * clock is the receipt's timestamp, so a replay decides at the same time).
   */
  void decided(GovernorState from, GovernorState to, Decision decision, Action action,
      Governor.ProcessSignal message, GovernorData data, DecisionInputs inputs) {
    Map<String, String> extra = inputs.toInputs(data.pack(), message.signal().metric());
    ReceiptType type = ReceiptType.TRANSITION;
    String reason;
    if (decision instanceof Decision.Refuse refuse) {
      type = ReceiptType.REFUSAL;
      to = from;
      reason = refuse.reason();
    } else if (decision instanceof Decision.Warn warn) {
      reason = warn.reason();
    } else if (decision instanceof Decision.WouldAct would) {
      reason = WOULD_ACT;
      extra.put(WHY, would.why());
    } else if (decision instanceof Decision.Ok ok) {
      reason = "ok";
      if (ok.relaxHeld() != null) {
        extra.put(RELAX_HELD, ok.relaxHeld());
      }
    } else {
      reason = "act";
    }
    Receipt.Builder draft = draft(type, from, to, reason, message.signal(), data, extra)
        .timestamp(inputs.view().now());
    if (decision instanceof Decision.WouldAct would) {
      draft.action(null, would.action());
    } else if (action != null) {
      draft.action(action.id(), action.type());
    }
    ledger.tell(new Ledger.Append(draft.build(), message.replyTo()));
  }

  /** A signal refused while refusing. */
  void refused(String reason, Governor.ProcessSignal message, GovernorData data) {
    ledger.tell(new Ledger.Append(draft(ReceiptType.REFUSAL, GovernorState.REFUSING, GovernorState.REFUSING, reason,
        message.signal(), data, null).build(), message.replyTo()));
  }

  /** A metric fell silent for its rule's stale-after. */
  void noData(GovernorState from, GovernorState to, String metric, GovernorData data) {
    Receipt.Builder draft = draft(ReceiptType.TRANSITION, from, to, NO_DATA, null, data, null);
    draft.signal(metric, null, null);
    ledger.tell(new Ledger.Append(draft.build(), nobody));
  }

  /** An operator's control (pause, resume, quarantine cleared), naming who did it. */
  void control(GovernorState from, GovernorState to, String reason, String by, GovernorData data,
      ActorRef<StatusReply<Receipt>> replyTo) {
    ledger.tell(new Ledger.Append(draft(ReceiptType.TRANSITION, from, to, reason, null, data,
        Map.of(OPERATOR, by)).build(), replyTo));
  }

  private Receipt.Builder draft(ReceiptType type, GovernorState from, GovernorState to, String reason,
      Signal signal, GovernorData data, Map<String, String> extra) {
    Receipt.Builder draft = Receipt.draft(type, tenantId)
        .states(from.wireName(), to.wireName())
        .reason(reason)
        .policy(data.pack().reference());
    if (signal != null) {
      draft.signal(signal.metric(), signal.value(), signal.timestampMs()).messageId(signal.messageId())
          .delivery(signal.delivery());
    }
    Map<String, String> inputs = data.memory().toInputs();
    if (extra != null) {
      inputs = inputs == null ? new TreeMap<>() : new TreeMap<>(inputs);
      inputs.putAll(extra);
    }
    return draft.inputs(inputs);
  }

  /** A transition not caused by a signal. */
  void transition(GovernorState from, GovernorState to, String reason, GovernorData data) {
    transition(from, to, reason, data, null);
  }

  /** The same, with what else it records ({@code extra} is added to the memory in its inputs). */
  void transition(GovernorState from, GovernorState to, String reason, GovernorData data,
      Map<String, String> extra) {
    ledger.tell(new Ledger.Append(draft(ReceiptType.TRANSITION, from, to, reason, null, data, extra).build(),
        nobody));
  }
}
