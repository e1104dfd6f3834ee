package tai.autonomics.governor;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tai.autonomics.executor.Action;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.governor.Governor.ActionCompleted;
import tai.autonomics.governor.Governor.ActionFailed;
import tai.autonomics.governor.Governor.Command;
import tai.autonomics.ledger.Ids;
import tai.autonomics.policy.Decision;

/**
 * A governor's intervening state: its one action runs on the executor under a deadline; new signals wait in the
 * stash. When the action ends the governor goes back to stable (completed), into quarantine (failed, timed out) or
 * to refusing for its entitlement (which ended meanwhile), and the signals that waited are decided in order.
 */
final class GovernorIntervention {

  /** The action's deadline timer; keyed by the action, so a late one for an earlier action finds no match. */
  record ActionDeadline(String actionId) implements Command {}

  private final Governor governor;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final GovernorReceipts receipts;
  private final String actionId;

  private GovernorIntervention(Governor governor, ActorContext<Command> context, TimerScheduler<Command> timers,
      StashBuffer<Command> stash, GovernorReceipts receipts, String actionId) {
    this.governor = governor;
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.receipts = receipts;
    this.actionId = actionId;
  }

  /**
   * Writes the act decision on {@code message}, hands its action to the executor, whose outcome comes back through
   * {@code outcomes}, and starts waiting.
   */
  static Behavior<Command> start(Governor governor, ActorContext<Command> context, TimerScheduler<Command> timers,
      StashBuffer<Command> stash, GovernorReceipts receipts, GovernorState from, GovernorData before,
      Decision.Act act, Governor.ProcessSignal message, DecisionInputs inputs,
      ActorRef<ActionExecutor.Command> executor, GovernorSettings settings) {
    Action action = new Action(Ids.newId(), receipts.tenantId(), act.action(), act.params());
    // before is what the governor knows after this decision: the signal and the action are counted in it
    GovernorData data = before;
    receipts.decided(from, GovernorState.INTERVENING, act, action, message, data, inputs);
    executor.tell(new ActionExecutor.Execute(action, outcomes(context)));
    timers.startSingleTimer(new ActionDeadline(action.id()), settings.actionDeadline());
    return new GovernorIntervention(governor, context, timers, stash, receipts, action.id()).intervening(data);
  }

  /**
   * Where the action's outcome comes back. Registered at each action, not at start: most governors never act, and an
   * adapter costs heap per governor; a new registration replaces the one before.
   */
  private static ActorRef<ActionOutcome> outcomes(ActorContext<Command> context) {
    return context.messageAdapter(ActionOutcome.class, outcome ->
        outcome instanceof ActionOutcome.Completed completed
            ? new ActionCompleted(completed.actionId(), completed.result())
            : new ActionFailed(outcome.actionId(), ((ActionOutcome.Failed) outcome).reason()));
  }

  // waits for the one action in flight to end; new signals are stashed (bounded)
  private Behavior<Command> intervening(GovernorData data) {
    return Behaviors.receive(Command.class)
        .onMessage(Governor.ProcessSignal.class, governor::stashOrRefuse)
        .onMessage(ActionCompleted.class, completed -> onActionCompleted(data, completed))
        .onMessage(ActionFailed.class, failed -> onActionEnded(data, failed.actionId(),
            "action_failed: " + failed.reason()))
        .onMessage(ActionDeadline.class, deadline -> onActionEnded(data, deadline.actionId(), "action_timeout"))
        .onMessage(Governor.EntitlementChanged.class, changed ->
            intervening(governor.withStatus(data, changed.status())))
        .onMessage(Governor.GetState.class, get -> governor.reply(get, GovernorState.INTERVENING, data, actionId))
        .onMessage(Governor.Timer.class, timer -> timer == Governor.Timer.COOLDOWN_OVER
            ? intervening(data.withCooldown(false, 0)) : Behaviors.same())
        .onMessage(Governor.NoData.class, governor::stashOrRefuse)
        .onMessage(Governor.Pause.class, control -> onControl(data, control))
        .onMessage(Governor.Resume.class, control -> onControl(data, control))
        .onMessage(Governor.ClearQuarantine.class, control -> onControl(data, control))
        .onMessage(Governor.PassivateIfIdle.class, passivate -> Behaviors.same())
        .onMessage(Governor.Stop.class, stop -> Behaviors.stopped())
        .build();
  }

  private Behavior<Command> onActionCompleted(GovernorData data, ActionCompleted completed) {
    if (!completed.actionId().equals(actionId)) {
      context.getLog().debug("ignoring completion of action {}, waiting for {}", completed.actionId(), actionId);
      return Behaviors.same();
    }
    timers.cancel(new ActionDeadline(actionId));
    timers.startSingleTimer(Governor.Timer.COOLDOWN_OVER, data.pack().cooldown());
    GovernorData cooling = data.withCooldown(true, System.currentTimeMillis() + data.pack().cooldown().toMillis());
    if (!data.entitled()) {
      return stash.unstashAll(GovernorRefusing.refuseUnentitled(governor, GovernorState.INTERVENING, cooling,
          cooling.refusalReason()));
    }
    receipts.transition(GovernorState.INTERVENING, GovernorState.STABLE, "action_completed", cooling);
    return stash.unstashAll(governor.stable(cooling));
  }

  private Behavior<Command> onControl(GovernorData data, Command control) {
    return GovernorControls.onControl(receipts, GovernorState.INTERVENING, data, control, this::intervening);
  }

  private Behavior<Command> onActionEnded(GovernorData data, String endedId, String why) {
    if (!endedId.equals(actionId)) {
      return Behaviors.same();
    }
    timers.cancel(new ActionDeadline(actionId));
    if (!data.entitled()) {
      // without an entitlement there is no quarantine to wait out
      return stash.unstashAll(GovernorRefusing.refuseUnentitled(governor, GovernorState.INTERVENING, data,
          data.refusalReason()));
    }
    receipts.transition(GovernorState.INTERVENING, GovernorState.REFUSING, why, data);
    return stash.unstashAll(GovernorRefusing.quarantine(governor, data, data.pack().quarantine()));
  }
}
