package tai.autonomics.governor;

import java.util.Map;
import java.util.TreeMap;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.MetricRule;
import tai.autonomics.policy.MetricState;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.PolicyPack;

/**
 * What a decision was made from, as its receipt records it beside the governor's memory after it: the rule that
 * matched, the metric's state before the signal (streak, since when above, ...) and, under a rate limit, the
 * actions counted. The rest is in what the receipt records anyway: in cooldown when {@code cooldown_until} is set,
 * paused when {@code paused_by} is (a decision changes neither), the mode in the pack its {@code policy} names, and
 * the node's clock in its {@code timestamp}, which is the decision's. With them {@link GovernorReplay} decides the
 * signal again through {@link Policy#evaluate}, a pure function of (pack, inputs before, signal).
 */
record DecisionInputs(MetricState before, Policy.View view) {
  static final String RULE = "from.rule";
  static final String METRIC = "from.metric";
  static final String ACTIONS = "from.actions";

  /** The keys a decision on {@code metric} under {@code pack} adds to its receipt's inputs. */
  Map<String, String> toInputs(PolicyPack pack, String metric) {
    Map<String, String> inputs = new TreeMap<>();
    inputs.put(RULE, ruleOf(pack, metric));
    inputs.put(METRIC, before.encode());
    if (pack.limits().maxActions() > 0) {
      inputs.put(ACTIONS, Integer.toString(view.recentActions()));
    }
    return inputs;
  }

  /** The rule that decides {@code metric}, as receipts name it: where it is in the pack, thresholds and action. */
  static String ruleOf(PolicyPack pack, String metric) {
    boolean own = metric != null && pack.rules().containsKey(metric);
    MetricRule rule = own ? pack.rules().get(metric) : pack.defaultRule();
    return (own ? "rules." + metric : "default-rule") + ": warn-above " + rule.warnAbove() + ", act-above "
        + rule.actAbove() + ", action " + rule.action();
  }

  /** What a decision receipt records it was made from; null for a receipt that is no decision by the policy. */
  static DecisionInputs of(Receipt receipt) {
    Map<String, String> inputs = receipt.inputs();
    if (inputs == null || !inputs.containsKey(RULE) || receipt.signal() == null) {
      return null;
    }
    int recent;
    try {
      recent = inputs.containsKey(ACTIONS) ? Integer.parseInt(inputs.get(ACTIONS)) : 0;
    } catch (NumberFormatException e) {
      recent = -1;
    }
    return new DecisionInputs(MetricState.decode(inputs.get(METRIC)), new Policy.View(
        inputs.containsKey(GovernorMemory.COOLDOWN_UNTIL), recent, inputs.containsKey(GovernorMemory.PAUSED_BY),
        receipt.timestamp()));
  }
}
