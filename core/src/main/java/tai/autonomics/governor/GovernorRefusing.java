package tai.autonomics.governor;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tai.autonomics.governor.Governor.ClearQuarantine;
import tai.autonomics.governor.Governor.Command;
import tai.autonomics.governor.Governor.EntitlementChanged;
import tai.autonomics.governor.Governor.GetState;
import tai.autonomics.governor.Governor.ProcessSignal;
import tai.autonomics.governor.Governor.Timer;
import tai.autonomics.policy.Policy;

/**
 * A governor's two refusing states: quarantined (an action failed or timed out; it ends when the quarantine timer
 * fires, whatever the entitlement does meanwhile) and unentitled (it ends when the entitlement is active again).
 * Both refuse every signal with a receipt, and both are {@code refusing} in receipts and views. Built when a
 * governor starts refusing, and dropped when it serves again.
 */
final class GovernorRefusing {
  private final Governor governor;
  private final GovernorReceipts receipts;

  GovernorRefusing(Governor governor, GovernorReceipts receipts) {
    this.governor = governor;
    this.receipts = receipts;
  }

  /** Refuses until the entitlement is active again: the transition names the entitlement's reason. */
  static Behavior<Command> refuseUnentitled(Governor governor, GovernorState from, GovernorData data,
      String reason) {
    governor.receipts().transition(from, GovernorState.REFUSING, reason, data);
    return new GovernorRefusing(governor, governor.receipts()).unentitled(data);
  }

  /** Refuses until the quarantine timer says it is over; whoever entered it wrote the transition. */
  static Behavior<Command> quarantine(Governor governor, GovernorData data, Duration left) {
    governor.timers().startSingleTimer(Timer.QUARANTINE_OVER, left);
    return new GovernorRefusing(governor, governor.receipts()).quarantined(data);
  }

  // waits for the quarantine timer after a failed action; refuses every signal meanwhile, whatever the entitlement
  Behavior<Command> quarantined(GovernorData data) {
    return Behaviors.receiveMessage(message -> onWhileQuarantined(data, message));
  }

  private Behavior<Command> onWhileQuarantined(GovernorData data, Command message) {
    if (message instanceof ProcessSignal signal) {
      receipts.refused(refusalOf(signal, GovernorData.QUARANTINED), signal, data);
      return quarantined(data.countSignal(true));
    } else if (message instanceof EntitlementChanged changed) {
      return quarantined(governor.withStatus(data, changed.status()));
    } else if (message instanceof GetState get) {
      return governor.reply(get, GovernorState.REFUSING, data, null);
    } else if (message == Timer.COOLDOWN_OVER) {
      return quarantined(data.withCooldown(false, 0));
    } else if (message == Timer.QUARANTINE_OVER) {
      return data.entitled() ? governor.resume(data, "quarantine_over") : unentitled(data);
    } else if (message instanceof ClearQuarantine clear) {
      return onClearQuarantine(data, clear);
    } else if (GovernorControls.isControl(message)) {
      return GovernorControls.onControl(receipts, GovernorState.REFUSING, data, message, this::quarantined);
    }
    return governor.onPassivation(message, data);
  }

  // waits for the tenant's entitlement to become active; refuses every signal meanwhile
  Behavior<Command> unentitled(GovernorData data) {
    return Behaviors.receiveMessage(message -> onWhileUnentitled(data, message));
  }

  private Behavior<Command> onWhileUnentitled(GovernorData data, Command message) {
    if (message instanceof ProcessSignal signal) {
      receipts.refused(refusalOf(signal, data.refusalReason()), signal, data);
      return unentitled(data.countSignal(true));
    } else if (message instanceof EntitlementChanged changed) {
      GovernorData updated = governor.withStatus(data, changed.status());
      return updated.entitled() ? governor.resume(updated, "entitlement_active") : unentitled(updated);
    } else if (message instanceof GetState get) {
      return governor.reply(get, GovernorState.REFUSING, data, null);
    } else if (message == Timer.COOLDOWN_OVER) {
      return unentitled(data.withCooldown(false, 0));
    } else if (message == Timer.QUARANTINE_OVER) {
      return Behaviors.same();
    } else if (GovernorControls.isControl(message)) {
      return GovernorControls.onControl(receipts, GovernorState.REFUSING, data, message, this::unentitled);
    }
    return governor.onPassivation(message, data);
  }

  /**
   * An operator ends the quarantine: the governor serves again (or keeps refusing for its entitlement), and the
   * receipt names who did it.
   */
  private Behavior<Command> onClearQuarantine(GovernorData data, ClearQuarantine clear) {
    governor.timers().cancel(Timer.QUARANTINE_OVER);
    GovernorState to = data.entitled() ? GovernorState.STABLE : GovernorState.REFUSING;
    receipts.control(GovernorState.REFUSING, to, GovernorControls.QUARANTINE_CLEARED, clear.by(), data,
        clear.replyTo());
    return data.entitled() ? governor.stable(data) : unentitled(data);
  }

  /** An invalid signal is refused as one, so that its sender learns what to fix. */
  private static String refusalOf(ProcessSignal signal, String stateReason) {
    return signal.signal().invalidity() != null ? Policy.INVALID_SIGNAL : stateReason;
  }
}
