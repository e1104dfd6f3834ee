package tai.autonomics.governor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.node.Stash;
import tai.autonomics.policy.Decision;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * One tenant's governor: the state machine of docs/ARCHITECTURE.md (boot, stable, warning, intervening, refusing).
 * Each signal is decided by the tenant's policy pack and written as a receipt; the ledger answers the signal's sender
 * once that receipt is durable, so the governor never waits for the disk and never answers before it. At most one
 * action is in flight; signals arriving meanwhile wait in a bounded stash and are decided in order when it ends.
 *
 * <p>Lifecycle: started by {@link Governors} on first use, restored at boot from the ledger head and the tenant's
 * entitlement, restarted by its supervisor after a failure, passivated after an idle period (the parent asks; it
 * agrees unless an action is in flight or it is still booting).
 *
 * <p>The states where the governor waits for signals (stable, warning) are here, with where they lead; booting is
 * in {@link GovernorBoot} (where it resumes is decided by {@link GovernorRestore}), intervening in
 * {@link GovernorIntervention}, quarantined and unentitled in {@link GovernorRefusing} (both {@code refusing} in
 * receipts and views); receipts are drafted by {@link GovernorReceipts}, the state data is {@link GovernorData}.
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
      @JsonSubTypes.Type(value = Stop.class, name = "stop"),
      @JsonSubTypes.Type(value = Pause.class, name = "pause"),
      @JsonSubTypes.Type(value = Resume.class, name = "resume"),
      @JsonSubTypes.Type(value = ClearQuarantine.class, name = "clear-quarantine")})
  public sealed interface Command extends CborSerializable
      permits ProcessSignal, EntitlementChanged, ActionCompleted, ActionFailed, GetState, Stop, PassivateIfIdle,
          Timer, NoData, Pause, Resume, ClearQuarantine, GovernorIntervention.ActionDeadline,
          GovernorBoot.EntitlementLoaded, GovernorBoot.HeadLoaded, GovernorBoot.BootFailed {}

  /** Decide on a signal; the reply carries its receipt once durable, or an error ({@code overloaded}). */
  public record ProcessSignal(Signal signal, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** The tenant's entitlement changed. */
  public record EntitlementChanged(Entitlements.Status status) implements Command {}

  /** The in-flight action {@code actionId} succeeded. */
  public record ActionCompleted(String actionId, String result) implements Command {}

  /** The in-flight action {@code actionId} failed. */
  public record ActionFailed(String actionId, String reason) implements Command {}

  public record GetState(ActorRef<View> replyTo) implements Command {}

  /** An operator pauses the tenant: act decisions are receipted {@code would_act} until resumed. */
  public record Pause(String by, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  public record Resume(String by, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** An operator ends a quarantine early; refused {@code not_quarantined} in any other state. */
  public record ClearQuarantine(String by, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** The keyed timer of a metric whose rule has a stale-after: nothing came for it that long. */
  record NoData(String metric) implements Command {}

  /** Sent by the parent once it holds back new messages for this tenant: stop now. */
  public enum Stop implements Command { INSTANCE }

  /** Told to the parent after an idle period, asking to be passivated. */
  public record Idle(String tenantId, ActorRef<Command> governor) implements CborSerializable {}

  /** What the governor is doing now; {@code actionId} is set while intervening. */
  public record View(String tenantId, GovernorState state, String actionId, boolean entitled, String sku,
      String policy, long signals, long refusals, long actions, int postponed) implements CborSerializable {}

  /** From the parent, which saw nothing for this tenant for the idle timeout: answer {@link Idle} if nothing runs. */
  enum PassivateIfIdle implements Command { INSTANCE }

  enum Timer implements Command { QUARANTINE_OVER, COOLDOWN_OVER }

  static final String OVERLOADED = "overloaded";

  public static Behavior<Command> create(String tenantId, Collaborators collaborators, GovernorSettings settings) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(settings.stashCapacity(),
        stash -> new Governor(tenantId, context, timers, stash, collaborators, settings).boot())));
  }

  /** The actors and configuration every governor talks to, built once by {@link Governors}. */
  public record Collaborators(ActorRef<Entitlements.Command> entitlements, ActorRef<Ledger.Command> ledger,
      ActorRef<ActionExecutor.Command> executor, PolicyPacks packs, ActorRef<Idle> parent) {}

  private final String tenantId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final Collaborators collaborators;
  private final GovernorSettings settings;
  private final GovernorReceipts receipts;

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
    return GovernorBoot.start(this, tenantId, context, stash, collaborators, settings.bootTimeout());
  }

  /** From {@link GovernorBoot}: resumes where the last incarnation left off, with the signals that waited. */
  Behavior<Command> restored(Entitlements.Status status, Ledger.Head head) {
    long now = System.currentTimeMillis();
    GovernorData data = GovernorData.booted(status, collaborators.packs(), GovernorRestore.memoryOf(head.last()), now);
    GovernorTimers.restore(timers, data, now);
    GovernorRestore restored = GovernorRestore.from(status, head.head(), data.pack().quarantine());
    GovernorRestore.receiptSwitch(receipts, head, data, restored.state());
    return stash.unstashAll(switch (restored.state()) {
      case REFUSING -> restored.quarantineLeft() != null
          ? GovernorRefusing.quarantine(this, data, restored.quarantineLeft())
          : new GovernorRefusing(this, receipts).unentitled(data);
      case WARNING -> warning(data);
      default -> restored.because() != null ? resume(data, restored.because()) : stable(data);
    });
  }

  // waits for signals; the last decision was ok
  Behavior<Command> stable(GovernorData data) {
    return deciding(GovernorState.STABLE, data);
  }

  // waits for signals; the last decision was a warning
  private Behavior<Command> warning(GovernorData data) {
    return deciding(GovernorState.WARNING, data);
  }

  // an idle governor spends its life here: one closure, not a receive builder's cases and closures, is about 300
  // bytes less per idle governor (measured with GovernorBenchmark heap), which keeps it within 2 KB
  Behavior<Command> deciding(GovernorState state, GovernorData data) {
    return Behaviors.receiveMessage(message -> onWhileDeciding(state, data, message));
  }

  private Behavior<Command> onWhileDeciding(GovernorState state, GovernorData data, Command message) {
    if (message instanceof ProcessSignal signal) {
      return GovernorSignals.onSignal(this, state, data, signal);
    } else if (message instanceof EntitlementChanged changed) {
      return GovernorSignals.onEntitlement(this, state, data, changed.status());
    } else if (message instanceof GetState get) {
      return reply(get, state, data, null);
    } else if (message == Timer.COOLDOWN_OVER) {
      return deciding(state, data.withCooldown(false, 0));
    } else if (message == Timer.QUARANTINE_OVER) {
      return Behaviors.same();
    } else if (message instanceof NoData silent) {
      return GovernorSignals.onNoData(this, state, data, silent.metric());
    } else if (GovernorControls.isControl(message)) {
      return GovernorControls.onControl(receipts, state, data, message, updated -> deciding(state, updated));
    }
    return onPassivation(message, data);
  }

  /**
   * The states without an action in flight agree to be passivated, unless a metric's silence is being watched:
   * its timer would die with the governor, and the no_data receipt with it.
   */
  Behavior<Command> onPassivation(Command message, GovernorData data) {
    if (message == PassivateIfIdle.INSTANCE) {
      if (GovernorTimers.watching(timers, data)) {
        return Behaviors.same();
      }
      collaborators.parent().tell(new Idle(tenantId, context.getSelf()));
      return Behaviors.same();
    }
    return message == Stop.INSTANCE ? Behaviors.stopped() : Behaviors.unhandled();
  }

  /** An act decision: its action starts and the governor intervenes until it ends. */
  Behavior<Command> intervene(GovernorState from, GovernorData data, Decision.Act act, ProcessSignal message,
      DecisionInputs inputs) {
    return GovernorIntervention.start(this, context, timers, stash, receipts, from, data, act, message, inputs,
        collaborators.executor(), settings);
  }

  TimerScheduler<Command> timers() {
    return timers;
  }

  GovernorReceipts receipts() {
    return receipts;
  }

  /** Serves again after refusing. */
  Behavior<Command> resume(GovernorData data, String because) {
    receipts.transition(GovernorState.REFUSING, GovernorState.STABLE, because, data);
    return stable(data);
  }

  /** A signal the full stash cannot keep is answered overloaded; a state query is dropped (its asker times out). */
  Behavior<Command> stashOrRefuse(Command message) {
    Stash.stashOrRefuse(stash, message, full -> {
      if (full instanceof ProcessSignal signal) {
        signal.replyTo().tell(StatusReply.error(OVERLOADED));
      } else if (full instanceof GetState) {
        context.getLog().warn("governor {} stash full; state query dropped", tenantId);
      }
    });
    return Behaviors.same();
  }

  Behavior<Command> reply(GetState get, GovernorState state, GovernorData data, String actionId) {
    get.replyTo().tell(new View(tenantId, state, actionId, data.entitled(), data.sku(), data.pack().reference(),
        data.signals(), data.refusals(), data.actions(), stash.size()));
    return Behaviors.same();
  }

  GovernorData withStatus(GovernorData data, Entitlements.Status status) {
    return data.withStatus(status, collaborators.packs());
  }

  /** The SKU's pack as the node has it now (a reload replaces it). */
  PolicyPack packFor(String sku) {
    return collaborators.packs().forSku(sku);
  }
}
