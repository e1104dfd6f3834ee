package tai.autonomics.governor;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.Decision;
import tai.autonomics.policy.MetricState;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.Signal;

/**
 * Replays a tenant's chain, receipt by receipt in chain order, through the pure policy function: each decision
 * receipt is decided again with {@link Policy#evaluate} under the pack its {@code policy} names and from the inputs
 * it recorded ({@link DecisionInputs}), and its outcome, the tenant state it moved to and the metric's state after
 * it are compared with what it recorded. The inputs are checked against the chain too: the metric's state a
 * decision was made from is the one the governor's previous receipt left (or none, when another receipt came in
 * between, as after a restart the governor starts counting again). Receipts that are no decision by the policy
 * (entitlements, actions, controls, refusals while refusing, receipts written before decisions recorded their
 * inputs) are passed over. Not thread-safe: one replay per chain.
 */
public final class GovernorReplay {

  /** The first receipt whose decision differs: where it is, both outcomes, and why. */
  public record Mismatch(long seq, String id, String expected, String recorded, String why) {}

  private final Function<String, PolicyPack> packs;
  /** Rule names by pack and metric: built once per pair, not per receipt. */
  private final Map<PolicyPack, Map<String, String>> rules = new HashMap<>();
  /** The inputs of the governor's last receipt: what it left for the next decision (null: nothing). */
  private Map<String, String> left;
  private boolean otherSince;
  private long decisions;
  private long passed;

  /** {@code packs}: the pack a receipt's {@code policy} names ({@code name@version}), or null when unknown. */
  public GovernorReplay(Function<String, PolicyPack> packs) {
    this.packs = packs;
  }

  /** Decisions replayed so far. */
  public long decisions() {
    return decisions;
  }

  /** Receipts passed over so far: not decisions by the policy. */
  public long passed() {
    return passed;
  }

  /** Replays the next receipt of the chain; the mismatch when its decision differs. */
  public Optional<Mismatch> check(Receipt receipt) {
    if (!receipt.type().carriesGovernorState()) {
      otherSince = true;
      passed++;
      return Optional.empty();
    }
    Map<String, String> before = left;
    DecisionInputs inputs = DecisionInputs.of(receipt);
    boolean restartable = otherSince;
    left = receipt.inputs();
    otherSince = false;
    if (inputs == null) {
      passed++;
      return Optional.empty();
    }
    decisions++;
    String metric = receipt.signal().metric();
    PolicyPack pack = packs.apply(receipt.policy());
    if (pack == null) {
      return mismatch(receipt, "-", recorded(receipt), "no policy record for " + receipt.policy());
    }
    MetricState chained = metricIn(before, metric);
    if (!inputs.before().equals(chained) && !(restartable && inputs.before().isInitial())) {
      return mismatch(receipt, "decided from " + metric + " " + chained.encode(), "decided from " + metric + " "
          + inputs.before().encode(), "the receipt's inputs are not what the chain left (from.metric differs from the "
          + "previous governor receipt's m." + metric + ")");
    }
    Signal signal = new Signal(receipt.tenantId(), metric, receipt.signal().value(), receipt.signal().timestampMs(),
        receipt.messageId());
    Policy.Evaluation evaluation = Policy.evaluate(pack, signal, inputs.before(), inputs.view());
    if (!sameOutcome(evaluation, receipt)) {
      String expected = expected(evaluation, receipt);
      String recorded = recorded(receipt);
      return mismatch(receipt, expected, recorded, under(pack, receipt, metric) + ", " + metric + " "
          + receipt.signal().value() + " from " + inputs.before().encode() + " decides " + expected
          + "; the receipt recorded " + recorded);
    }
    MetricState recordedAfter = metricIn(receipt.inputs(), metric);
    if (!evaluation.after().equals(recordedAfter)) {
      return mismatch(receipt, metric + " left at " + evaluation.after().encode(), metric + " left at "
          + recordedAfter.encode(), under(pack, receipt, metric)
          + ", the decision is the same but leaves the metric in another state");
    }
    return Optional.empty();
  }

  /** Which pack and rule the replay decided under, and the rule the receipt recorded when it differs. */
  private String under(PolicyPack pack, Receipt receipt, String metric) {
    String rule = rules.computeIfAbsent(pack, p -> new HashMap<>())
        .computeIfAbsent(metric, m -> DecisionInputs.ruleOf(pack, m));
    String recordedRule = receipt.inputs().get(DecisionInputs.RULE);
    return "under " + receipt.policy() + " " + rule
        + (rule.equals(recordedRule) ? "" : " (the receipt recorded " + recordedRule + ")");
  }

  private static MetricState metricIn(Map<String, String> inputs, String metric) {
    String encoded = inputs == null ? null : inputs.get(GovernorMemory.METRIC + metric);
    return encoded == null ? MetricState.INITIAL : MetricState.decode(encoded);
  }

  /** The comparison of {@link #expected} with {@link #recorded} without building either: most receipts match. */
  private static boolean sameOutcome(Policy.Evaluation evaluation, Receipt receipt) {
    Decision decision = evaluation.decision();
    String to = receipt.stateTo();
    if (decision instanceof Decision.Refuse refuse) {
      return receipt.type() == ReceiptType.REFUSAL && refuse.reason().equals(receipt.reason())
          && Objects.equals(to, receipt.stateFrom());
    }
    if (receipt.type() == ReceiptType.REFUSAL) {
      return false;
    }
    if (decision instanceof Decision.Act act) {
      return "act".equals(receipt.reason()) && act.action().equals(receipt.actionType())
          && GovernorState.INTERVENING.wireName().equals(to);
    } else if (decision instanceof Decision.WouldAct would) {
      return GovernorReceipts.WOULD_ACT.equals(receipt.reason()) && would.action().equals(receipt.actionType())
          && would.why().equals(receipt.inputs().get(GovernorReceipts.WHY))
          && GovernorState.WARNING.wireName().equals(to);
    } else if (decision instanceof Decision.Warn warn) {
      return warn.reason().equals(receipt.reason()) && GovernorState.WARNING.wireName().equals(to);
    }
    return "ok".equals(receipt.reason()) && okState(evaluation, receipt).equals(to)
        && Objects.equals(((Decision.Ok) decision).relaxHeld(), receipt.inputs().get(GovernorReceipts.RELAX_HELD));
  }

  /** An ok leaves the tenant in the worst state over its metrics, this one as the policy left it. */
  private static String okState(Policy.Evaluation evaluation, Receipt receipt) {
    String own = GovernorMemory.METRIC + receipt.signal().metric();
    boolean warning = evaluation.after().warning();
    for (Map.Entry<String, String> e : receipt.inputs().entrySet()) {
      if (!warning && e.getKey().startsWith(GovernorMemory.METRIC) && !e.getKey().equals(own)) {
        warning = MetricState.decode(e.getValue()).warning();
      }
    }
    return (warning ? GovernorState.WARNING : GovernorState.STABLE).wireName();
  }

  private static Optional<Mismatch> mismatch(Receipt receipt, String expected, String recorded, String why) {
    return Optional.of(new Mismatch(receipt.seq() == null ? 0 : receipt.seq(), receipt.id(), expected, recorded,
        why));
  }

  /** The outcome the policy gives, with the state it moves the tenant to, in the words of {@link #recorded}. */
  private static String expected(Policy.Evaluation evaluation, Receipt receipt) {
    Decision decision = evaluation.decision();
    if (decision instanceof Decision.Refuse refuse) {
      return "refusal " + refuse.reason() + " -> " + receipt.stateFrom();
    } else if (decision instanceof Decision.Act act) {
      return "act " + act.action() + " -> " + GovernorState.INTERVENING.wireName();
    } else if (decision instanceof Decision.WouldAct would) {
      return GovernorReceipts.WOULD_ACT + " " + would.action() + " (" + would.why() + ") -> "
          + GovernorState.WARNING.wireName();
    } else if (decision instanceof Decision.Warn warn) {
      return warn.reason() + " -> " + GovernorState.WARNING.wireName();
    }
    String held = ((Decision.Ok) decision).relaxHeld();
    return "ok" + (held == null ? "" : " (relax held: " + held + ")") + " -> " + okState(evaluation, receipt);
  }

  private static String recorded(Receipt receipt) {
    String to = " -> " + receipt.stateTo();
    if (receipt.type() == ReceiptType.REFUSAL) {
      return "refusal " + receipt.reason() + to;
    } else if ("act".equals(receipt.reason())) {
      return "act " + receipt.actionType() + to;
    } else if (GovernorReceipts.WOULD_ACT.equals(receipt.reason())) {
      return GovernorReceipts.WOULD_ACT + " " + receipt.actionType() + " ("
          + receipt.inputs().get(GovernorReceipts.WHY) + ")" + to;
    }
    String held = receipt.inputs().get(GovernorReceipts.RELAX_HELD);
    return receipt.reason() + (held == null ? "" : " (relax held: " + held + ")") + to;
  }
}
