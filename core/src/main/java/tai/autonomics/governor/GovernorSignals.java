package tai.autonomics.governor;

import org.apache.pekko.actor.typed.Behavior;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor.Command;
import tai.autonomics.governor.Governor.ProcessSignal;
import tai.autonomics.policy.Decision;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.Signal;

/**
 * How stable and warning decide: an entitlement change, a signal through the pure policy with the metric's memory (the tenant's state is
 * then the worst over its metrics), and a metric's silence. Static, so an idle governor carries nothing for it.
 */
final class GovernorSignals {
  private GovernorSignals() {}

  static Behavior<Command> onSignal(Governor governor, GovernorState state, GovernorData data,
      ProcessSignal message) {
    long now = System.currentTimeMillis();
    Signal signal = message.signal();
    Policy.Evaluation evaluation = Policy.evaluate(data.pack(), signal, data.memory().metric(signal.metric()),
        data.policyView(now));
    Decision decision = evaluation.decision();
    if (decision instanceof Decision.Refuse) {
      // a refused signal changes nothing the governor remembers: a stale one cannot move a streak
      governor.receipts().decided(state, state, decision, null, message, data);
      return governor.deciding(state, data.countSignal(true));
    }
    GovernorData next = data.withMetric(signal.metric(), evaluation.after()).countSignal(false);
    GovernorTimers.watch(governor.timers(), next, signal.metric());
    if (decision instanceof Decision.Act act) {
      return governor.intervene(state, next.countAction(now), act, message);
    }
    GovernorState to = decision instanceof Decision.Ok ? next.servingState() : GovernorState.WARNING;
    governor.receipts().decided(state, to, decision, null, message, next);
    return governor.deciding(to, next);
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
      return governor.refuseUnentitled(state, updated, GovernorData.refusalReasonOf(status));
    }
    if (updated.memory().toInputs() != null || !updated.pack().equals(data.pack())) {
      // the entitlement's receipt is now the tenant's last: this one keeps the memory at the head for boot, and
      // says when the tenant switched packs
      governor.receipts().transition(state, state, "entitlement_changed", updated);
    }
    return governor.deciding(state, updated);
  }
}
