package tai.autonomics.governor;

import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor.Command;
import tai.autonomics.governor.Governor.ProcessSignal;
import tai.autonomics.policy.Decision;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.Signal;

/**
 * How stable and warning decide: an entitlement change, a signal through the pure policy with the metric's memory
 * (the tenant's state is then the worst over its metrics; a reloaded pack is switched to first), and a metric's
 * silence. Static, so an idle governor carries nothing for it.
 */
final class GovernorSignals {
  static final String POLICY_CHANGED = "policy_changed";
  static final String POLICY_WAS = "policy_was";

  private GovernorSignals() {}

  static Behavior<Command> onSignal(Governor governor, GovernorState state, GovernorData current,
      ProcessSignal message) {
    long now = System.currentTimeMillis();
    Signal signal = message.signal();
    GovernorData data = switchedPack(governor, state, current);
    DecisionInputs inputs = new DecisionInputs(data.memory().metric(signal.metric()), data.policyView(now));
    Policy.Evaluation evaluation = Policy.evaluate(data.pack(), signal, inputs.before(), inputs.view());
    Decision decision = evaluation.decision();
    if (decision instanceof Decision.Refuse) {
      // a refused signal changes nothing the governor remembers: a stale one cannot move a streak
      governor.receipts().decided(state, state, decision, null, message, data, inputs);
      return governor.deciding(state, data.countSignal(true));
    }
    GovernorData next = data.withMetric(signal.metric(), evaluation.after()).countSignal(false);
    GovernorTimers.watch(governor.timers(), next, signal.metric());
    if (decision instanceof Decision.Act act) {
      return governor.intervene(state, next.countAction(now), act, message, inputs);
    }
    GovernorState to = decision instanceof Decision.Ok ? next.servingState() : GovernorState.WARNING;
    governor.receipts().decided(state, to, decision, null, message, next, inputs);
    return governor.deciding(to, next);
  }

  /**
   * The tenant's pack as the node has it now: after a reload a tenant switches to the new version at its next
   * signal, and a {@code policy_changed} receipt (its {@code policy} the new version, {@code inputs.policy_was} the
   * old) says so before the signal's decision.
   */
  private static GovernorData switchedPack(Governor governor, GovernorState state, GovernorData data) {
    PolicyPack now = governor.packFor(data.sku());
    if (now == data.pack()) {
      return data;
    }
    GovernorData switched = data.withPack(now);
    if (!now.reference().equals(data.pack().reference())) {
      governor.receipts().transition(state, state, POLICY_CHANGED, switched,
          Map.of(POLICY_WAS, data.pack().reference()));
    }
    return switched;
  }

  /** A watched metric fell silent: receipted no_data, and the tenant is in the worst state over its metrics. */
  static Behavior<Command> onNoData(Governor governor, GovernorState state, GovernorData data, String metric) {
    GovernorData next = GovernorTimers.silent(data, metric);
    GovernorState to = next.servingState();
    governor.receipts().noData(state, to, metric, next);
    return governor.deciding(to, next);
  }

  /** Stable or warning learn of an entitlement change: an inactive one refuses, a plan change switches packs. */
  static Behavior<Command> onEntitlement(Governor governor, GovernorState state, GovernorData data,
      Entitlements.Status status) {
    GovernorData updated = governor.withStatus(data, status);
    if (!status.active()) {
      return GovernorRefusing.refuseUnentitled(governor, state, updated,
          GovernorData.refusalReasonOf(status));
    }
    if (updated.memory().toInputs() != null || !updated.pack().equals(data.pack())) {
      // the entitlement's receipt is now the tenant's last: this one keeps the memory at the head for boot, and
      // says when the tenant switched packs
      governor.receipts().transition(state, state, "entitlement_changed", updated);
    }
    return governor.deciding(state, updated);
  }
}
