package tai.autonomics.governor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.Action;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.ledger.Ids;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.Decision;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * One tenant's governor: the state machine of DESIGN §5 (boot, stable, warning, intervening, refusing). Each signal
 * is decided by the tenant's policy pack and written as a receipt; the ledger answers the signal's sender once that
 * receipt is durable, so the governor never waits for the disk and never answers before it. At most one action is in
 * flight; signals arriving meanwhile wait in a bounded stash and are decided in order when it ends.
 *
 * <p>Lifecycle: started by {@link Governors} on first use, restored at boot from the ledger head and the tenant's
 * entitlement, restarted by its supervisor after a failure, passivated after an idle period (the parent, which
 * sees every message for it, asks; it agrees unless an action is in flight or it is still booting; the parent
 * stops it once no message for it is on the way).
 *
 * <p>The states and their transitions are here; where boot resumes is decided by {@link GovernorRestore}, receipts
 * are drafted by {@link GovernorReceipts}, the bounded stash refuses in {@link GovernorStash}, the state data is
 * {@link GovernorData}.
 */
public final class Governor {

  /**
   * The type names let {@link Governors.Deliver}, whose field has this interface as its type, cross the network in
   * cluster mode; the private messages never leave the governor and need none.
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = ProcessSignal.class, name = "process-signal"),
      @JsonSubTypes.Type(value = EntitlementChanged.class, name = "entitlement-changed"),
      @JsonSubTypes.Type(value = ActionCompleted.class, name = "action-completed"),
      @JsonSubTypes.Type(value = ActionFailed.class, name = "action-failed"),
      @JsonSubTypes.Type(value = GetState.class, name = "get-state"),
      @JsonSubTypes.Type(value = Stop.class, name = "stop")})
  public sealed interface Command extends CborSerializable
      permits ProcessSignal, EntitlementChanged, ActionCompleted, ActionFailed, GetState, Stop, EntitlementLoaded,
          HeadLoaded, BootFailed, ActionDeadline, Timer, PassivateIfIdle {}

  /** Decide on a signal; the reply carries its receipt once durable, or an error ({@code overloaded}). */
  public record ProcessSignal(Signal signal, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** The tenant's entitlement changed. */
  public record EntitlementChanged(Entitlements.Status status) implements Command {}

  /** The in-flight action {@code actionId} succeeded. */
  public record ActionCompleted(String actionId, String result) implements Command {}

  /** The in-flight action {@code actionId} failed. */
  public record ActionFailed(String actionId, String reason) implements Command {}

  public record GetState(ActorRef<View> replyTo) implements Command {}

  /** Sent by the parent once it holds back new messages for this tenant: stop now. */
  public enum Stop implements Command { INSTANCE }

  /** Told to the parent after an idle period, asking to be passivated. */
  public record Idle(String tenantId, ActorRef<Command> governor) implements CborSerializable {}

  /** What the governor is doing now; {@code actionId} is set while intervening. */
  public record View(String tenantId, GovernorState state, String actionId, boolean entitled, String sku,
      String policy, long signals, long refusals, long actions, int postponed) implements CborSerializable {}

  // boot replies carry the incarnation that asked: a reply to an incarnation that has since failed is stale
  private record EntitlementLoaded(Entitlements.Status status, Governor incarnation) implements Command {}

  private record HeadLoaded(Ledger.Head head, Governor incarnation) implements Command {}

  private record BootFailed(String what, Governor incarnation) implements Command {}

  /**
   * From the parent, which saw nothing for this tenant for the idle timeout: answer {@link Idle} if nothing is in
   * flight. The parent keeps the clock, not each governor: a receive timeout per governor costs a scheduler task
   * per governor and a reschedule per message.
   */
  enum PassivateIfIdle implements Command { INSTANCE }

  private record ActionDeadline(String actionId) implements Command {}

  private enum Timer implements Command { QUARANTINE_OVER, COOLDOWN_OVER }

  static final String OVERLOADED = "overloaded";
  static final String QUARANTINED = "quarantined";
  static final String ENTITLEMENT_INACTIVE = "entitlement_inactive";
  static final String UNKNOWN_TENANT = "unknown_tenant";
  static final String UNAVAILABLE = "unavailable";

  public static Behavior<Command> create(String tenantId, Collaborators collaborators, GovernorSettings settings) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(settings.stashCapacity(),
        stash -> new Governor(tenantId, context, timers, stash, collaborators, settings).boot())));
  }

  /** The actors and configuration every governor talks to, built once by {@link Governors}. */
  public record Collaborators(
      ActorRef<Entitlements.Command> entitlements,
      ActorRef<Ledger.Command> ledger,
      ActorRef<ActionExecutor.Command> executor,
      PolicyPacks packs,
      ActorRef<Idle> parent) {}

  private final String tenantId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final Collaborators collaborators;
  private final GovernorSettings settings;
  private final GovernorReceipts receipts;
  /** Built at the first action, not at start: most governors never act, and an adapter costs heap per governor. */
  private ActorRef<ActionOutcome> outcomeAdapter;

  private Governor(String tenantId, ActorContext<Command> context, TimerScheduler<Command> timers,
      StashBuffer<Command> stash, Collaborators collaborators, GovernorSettings settings) {
    this.tenantId = tenantId;
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.collaborators = collaborators;
    this.settings = settings;
    this.receipts = new GovernorReceipts(tenantId, collaborators.ledger(), context.getSystem().ignoreRef());
  }

  private Behavior<Command> boot() {
    Duration timeout = settings.bootTimeout();
    context.ask(Entitlements.Status.class, collaborators.entitlements(), timeout,
        replyTo -> new Entitlements.Check(tenantId, replyTo),
        (status, failure) -> status != null
            ? new EntitlementLoaded(status, this) : new BootFailed("entitlement", this));
    context.ask(Ledger.Head.class, collaborators.ledger(), timeout,
        replyTo -> new Ledger.GetHead(tenantId, replyTo),
        (head, failure) -> head != null
            ? new HeadLoaded(head, this) : new BootFailed("ledger head", this));
    return booting(null, null);
  }

  // waits for the entitlement and the ledger head; everything else is stashed
  private Behavior<Command> booting(Entitlements.Status status, Ledger.Head head) {
    return Behaviors.receive(Command.class)
        .onMessage(EntitlementLoaded.class, loaded -> loaded.incarnation() != this
            ? Behaviors.same() : restoreWhenLoaded(loaded.status(), head))
        .onMessage(HeadLoaded.class, loaded -> loaded.incarnation() != this
            ? Behaviors.same() : restoreWhenLoaded(status, loaded.head()))
        .onMessage(BootFailed.class, failed -> failed.incarnation() != this
            ? Behaviors.same() : onBootFailed(failed))
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onMessage(Timer.class, timer -> Behaviors.same())
        .onMessage(PassivateIfIdle.class, passivate -> Behaviors.same())
        .onAnyMessage(this::stashOrRefuse)
        .build();
  }

  private Behavior<Command> onBootFailed(BootFailed failed) {
    // the stash does not survive the restart: answer its signals now instead of leaving their senders to time out
    GovernorStash.refuseAll(stash, UNAVAILABLE);
    throw new IllegalStateException("governor " + tenantId + " could not load its " + failed.what());
  }

  private Behavior<Command> restoreWhenLoaded(Entitlements.Status status, Ledger.Head head) {
    if (status == null || head == null) {
      return booting(status, head);
    }
    GovernorData data = GovernorData.booted(status, collaborators.packs());
    GovernorRestore restored = GovernorRestore.from(status, head.head(), data.pack().quarantine());
    return stash.unstashAll(switch (restored.state()) {
      case REFUSING -> restored.quarantineLeft() != null
          ? quarantined(data, restored.quarantineLeft()) : refusing(data, restored.because());
      case WARNING -> warning(data);
      default -> restored.because() != null ? resume(data, restored.because()) : stable(data);
    });
  }

  // waits for signals; the last decision was ok
  private Behavior<Command> stable(GovernorData data) {
    return deciding(GovernorState.STABLE, data);
  }

  // waits for signals; the last decision was a warning
  private Behavior<Command> warning(GovernorData data) {
    return deciding(GovernorState.WARNING, data);
  }

  // Stable, warning and refusing are where an idle governor spends its life, so their behavior is one closure
  // instead of a receive builder's five cases and closures: about 300 bytes less per idle governor (measured with
  // GovernorBenchmark heap), which is what lets 100,000 governors fit in 2 KB each.
  private Behavior<Command> deciding(GovernorState state, GovernorData data) {
    return Behaviors.receiveMessage(message -> onWhileDeciding(state, data, message));
  }

  private Behavior<Command> onWhileDeciding(GovernorState state, GovernorData data, Command message) {
    if (message instanceof ProcessSignal signal) {
      return onSignal(state, data, signal);
    } else if (message instanceof EntitlementChanged changed) {
      return onEntitlementWhileServing(state, data, changed.status());
    } else if (message instanceof GetState get) {
      return reply(get, state, data, null);
    } else if (message == Timer.COOLDOWN_OVER) {
      return state == GovernorState.WARNING ? warning(data.withCooldown(false)) : stable(data.withCooldown(false));
    } else if (message == Timer.QUARANTINE_OVER) {
      return Behaviors.same();
    }
    return onPassivation(message);
  }

  // waits for the one action in flight to end; new signals are stashed (bounded)
  private Behavior<Command> intervening(GovernorData data, String actionId) {
    return Behaviors.receive(Command.class)
        .onMessage(ProcessSignal.class, this::stashOrRefuse)
        .onMessage(ActionCompleted.class, completed -> onActionCompleted(data, actionId, completed))
        .onMessage(ActionFailed.class, failed -> onActionEnded(data, actionId, failed.actionId(),
            "action_failed: " + failed.reason()))
        .onMessage(ActionDeadline.class, deadline -> onActionEnded(data, actionId, deadline.actionId(),
            "action_timeout"))
        .onMessage(EntitlementChanged.class, changed -> intervening(withStatus(data, changed.status()), actionId))
        .onMessage(GetState.class, get -> reply(get, GovernorState.INTERVENING, data, actionId))
        .onMessage(Timer.class, timer -> timer == Timer.COOLDOWN_OVER
            ? intervening(data.withCooldown(false), actionId) : Behaviors.same())
        .onMessage(PassivateIfIdle.class, passivate -> Behaviors.same())
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .build();
  }

  // refuses every signal until the entitlement is active again or the quarantine ends (reason says which)
  private Behavior<Command> refusing(GovernorData data, String reason) {
    return Behaviors.receiveMessage(message -> onWhileRefusing(data, reason, message));
  }

  private Behavior<Command> onWhileRefusing(GovernorData data, String reason, Command message) {
    if (message instanceof ProcessSignal signal) {
      // an invalid signal is refused as one, so that its sender learns what to fix
      receipts.refused(signal.signal().invalidity() != null ? Policy.INVALID_SIGNAL : reason, signal, data);
      return refusing(data.countSignal(true), reason);
    } else if (message instanceof EntitlementChanged changed) {
      return onEntitlementWhileRefusing(data, reason, changed.status());
    } else if (message instanceof GetState get) {
      return reply(get, GovernorState.REFUSING, data, null);
    } else if (message == Timer.COOLDOWN_OVER) {
      return refusing(data.withCooldown(false), reason);
    } else if (message == Timer.QUARANTINE_OVER) {
      return onQuarantineOver(data, reason);
    }
    return onPassivation(message);
  }

  /** Stable, warning and refusing agree to be passivated: nothing is in flight there. */
  private Behavior<Command> onPassivation(Command message) {
    if (message == PassivateIfIdle.INSTANCE) {
      collaborators.parent().tell(new Idle(tenantId, context.getSelf()));
      return Behaviors.same();
    }
    return message == Stop.INSTANCE ? Behaviors.stopped() : Behaviors.unhandled();
  }

  private Behavior<Command> onSignal(GovernorState state, GovernorData data, ProcessSignal message) {
    Decision decision = Policy.decide(data.pack(), message.signal(), data.policyView());
    if (decision instanceof Decision.Act act) {
      return startAction(state, data, act, message);
    }
    receipts.decided(state, decision, null, message, data);
    if (decision instanceof Decision.Refuse) {
      return deciding(state, data.countSignal(true));
    }
    return decision instanceof Decision.Warn ? warning(data.countSignal(false)) : stable(data.countSignal(false));
  }

  private Behavior<Command> startAction(GovernorState state, GovernorData data, Decision.Act act,
      ProcessSignal message) {
    Action action = new Action(Ids.newId(), tenantId, act.action(), act.params());
    receipts.decided(state, act, action, message, data);
    collaborators.executor().tell(new ActionExecutor.Execute(action, outcomes()));
    timers.startSingleTimer(new ActionDeadline(action.id()), settings.actionDeadline());
    return intervening(data.countSignal(false).countAction(), action.id());
  }

  private Behavior<Command> onActionCompleted(GovernorData data, String actionId, ActionCompleted completed) {
    if (!completed.actionId().equals(actionId)) {
      context.getLog().debug("ignoring completion of action {}, waiting for {}", completed.actionId(), actionId);
      return Behaviors.same();
    }
    timers.cancel(new ActionDeadline(actionId));
    timers.startSingleTimer(Timer.COOLDOWN_OVER, data.pack().cooldown());
    GovernorData cooling = data.withCooldown(true);
    if (!data.entitled()) {
      return stash.unstashAll(refuseFor(GovernorState.INTERVENING, cooling, cooling.refusalReason()));
    }
    receipts.transition(GovernorState.INTERVENING, GovernorState.STABLE, "action_completed", data);
    return stash.unstashAll(stable(cooling));
  }

  private Behavior<Command> onActionEnded(GovernorData data, String actionId, String endedId, String why) {
    if (!endedId.equals(actionId)) {
      return Behaviors.same();
    }
    timers.cancel(new ActionDeadline(actionId));
    if (!data.entitled()) {
      // without an entitlement there is no quarantine to wait out
      return stash.unstashAll(refuseFor(GovernorState.INTERVENING, data, data.refusalReason()));
    }
    receipts.transition(GovernorState.INTERVENING, GovernorState.REFUSING, why, data);
    return stash.unstashAll(quarantined(data, data.pack().quarantine()));
  }

  private Behavior<Command> onEntitlementWhileServing(GovernorState state, GovernorData data,
      Entitlements.Status status) {
    GovernorData updated = withStatus(data, status);
    if (!status.active()) {
      return refuseFor(state, updated, GovernorData.refusalReasonOf(status));
    }
    return state == GovernorState.WARNING ? warning(updated) : stable(updated);
  }

  // a quarantine runs its course whatever the entitlement does; a refusal for the entitlement ends when it is active
  private Behavior<Command> onEntitlementWhileRefusing(GovernorData data, String reason, Entitlements.Status status) {
    GovernorData updated = withStatus(data, status);
    if (reason.equals(QUARANTINED)) {
      return refusing(updated, reason);
    }
    return status.active() ? resume(updated, "entitlement_active")
        : refusing(updated, GovernorData.refusalReasonOf(status));
  }

  private Behavior<Command> onQuarantineOver(GovernorData data, String reason) {
    if (!reason.equals(QUARANTINED)) {
      return Behaviors.same();
    }
    return data.entitled() ? resume(data, "quarantine_over") : refusing(data, data.refusalReason());
  }

  /** Refuses until the entitlement is active again: the transition names the entitlement's reason. */
  private Behavior<Command> refuseFor(GovernorState from, GovernorData data, String reason) {
    receipts.transition(from, GovernorState.REFUSING, reason, data);
    return refusing(data, reason);
  }

  /** Refuses until the quarantine timer says it is over; whoever entered it wrote the transition. */
  private Behavior<Command> quarantined(GovernorData data, Duration left) {
    timers.startSingleTimer(Timer.QUARANTINE_OVER, left);
    return refusing(data, QUARANTINED);
  }

  /** Serves again after refusing. */
  private Behavior<Command> resume(GovernorData data, String because) {
    receipts.transition(GovernorState.REFUSING, GovernorState.STABLE, because, data);
    return stable(data);
  }

  private Behavior<Command> stashOrRefuse(Command message) {
    return GovernorStash.stashOrRefuse(stash, message, context.getLog(), tenantId);
  }

  private Behavior<Command> reply(GetState get, GovernorState state, GovernorData data, String actionId) {
    get.replyTo().tell(new View(tenantId, state, actionId, data.entitled(), data.sku(), data.pack().reference(),
        data.signals(), data.refusals(), data.actions(), stash.size()));
    return Behaviors.same();
  }

  private GovernorData withStatus(GovernorData data, Entitlements.Status status) {
    return data.withStatus(status, collaborators.packs());
  }

  private ActorRef<ActionOutcome> outcomes() {
    if (outcomeAdapter == null) {
      outcomeAdapter = context.messageAdapter(ActionOutcome.class, outcome ->
          outcome instanceof ActionOutcome.Completed completed
              ? new ActionCompleted(completed.actionId(), completed.result())
              : new ActionFailed(outcome.actionId(), ((ActionOutcome.Failed) outcome).reason()));
    }
    return outcomeAdapter;
  }
}
