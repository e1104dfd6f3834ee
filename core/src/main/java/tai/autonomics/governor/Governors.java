package tai.autonomics.governor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.node.Stash;

/**
 * Parent of all governors of this node: starts a tenant's governor on first use ({@code governor-<tenant>}),
 * restarts a failing one (with a limit), forwards entitlement changes to the live ones, and passivates idle ones.
 * Every message for a governor passes here, so this actor keeps the idle clock: a sweep asks the governors that got
 * nothing for the idle timeout whether they are idle. Passivation is then a handshake: the governor agrees, this
 * actor stops routing to it and tells it to stop, and holds messages for the tenant until it has terminated, then
 * starts a fresh governor for them, which restores its state from the ledger.
 */
public final class Governors extends AbstractBehavior<Governors.Command> {

  public sealed interface Command extends CborSerializable
      permits Deliver, CountLive, EntitlementStatus, IdleGovernor, GovernorTerminated, Sweep {}

  /** Send {@code command} to the tenant's governor, starting it when needed. */
  public record Deliver(String tenantId, Governor.Command command) implements Command {}

  public record CountLive(ActorRef<Live> replyTo) implements Command {}

  public record Live(int governors) implements CborSerializable {}

  private record EntitlementStatus(Entitlements.Status status) implements Command {}

  private record IdleGovernor(Governor.Idle idle) implements Command {}

  private record GovernorTerminated(String tenantId) implements Command {}

  private enum Sweep implements Command { INSTANCE }

  /** A live governor and when a message for it last passed; mutable, owned by this actor alone. */
  private static final class LiveGovernor {
    final ActorRef<Governor.Command> ref;
    long lastUsedNanos;

    LiveGovernor(ActorRef<Governor.Command> ref, long now) {
      this.ref = ref;
      this.lastUsedNanos = now;
    }
  }

  public static Behavior<Command> create(ActorRef<Entitlements.Command> entitlements,
      Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators, GovernorSettings settings) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(
        settings.passivationStashCapacity(),
        stash -> new Governors(context, timers, stash, entitlements, collaborators, settings))));
  }

  private final GovernorSettings settings;
  /** One strategy for all governors: it is immutable, and one per governor would cost heap per tenant. */
  private final SupervisorStrategy restartStrategy;
  private final Governor.Collaborators collaborators;
  private final long idleNanos;
  private final Map<String, LiveGovernor> live = new HashMap<>();
  /** Tenants whose governor is stopping; their messages wait in {@code stash} until it has terminated. */
  private final Set<String> passivating = new HashSet<>();
  private final StashBuffer<Command> stash;

  private Governors(ActorContext<Command> context, TimerScheduler<Command> timers, StashBuffer<Command> stash,
      ActorRef<Entitlements.Command> entitlements,
      Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators, GovernorSettings settings) {
    super(context);
    this.stash = stash;
    this.settings = settings;
    this.restartStrategy = SupervisorStrategy.restart().withLimit(settings.maxRestarts(), settings.restartWindow());
    this.collaborators = collaborators.apply(context.messageAdapter(Governor.Idle.class, IdleGovernor::new));
    this.idleNanos = settings.idleTimeout().toNanos();
    entitlements.tell(new Entitlements.Subscribe(context.messageAdapter(Entitlements.Status.class,
        EntitlementStatus::new)));
    if (idleNanos > 0) {
      // a governor is asked between one and one and a half idle timeouts after its last message
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, settings.idleTimeout().dividedBy(2));
    }
  }

  // the only state: routes each message to its tenant's governor, holding those of tenants being passivated
  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(CountLive.class, this::onCountLive)
        .onMessage(EntitlementStatus.class, this::onEntitlementStatus)
        .onMessage(IdleGovernor.class, this::onIdleGovernor)
        .onMessage(GovernorTerminated.class, this::onGovernorTerminated)
        .onMessage(Sweep.class, sweep -> onSweep())
        .build();
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    if (passivating.contains(deliver.tenantId())) {
      return hold(deliver);
    }
    LiveGovernor governor = governorOf(deliver.tenantId());
    if (idleNanos > 0) {
      governor.lastUsedNanos = System.nanoTime();
    }
    governor.ref.tell(deliver.command());
    return this;
  }

  private Behavior<Command> onEntitlementStatus(EntitlementStatus message) {
    String tenantId = message.status().tenantId();
    if (passivating.contains(tenantId)) {
      return hold(message);
    }
    LiveGovernor governor = live.get(tenantId);
    if (governor != null) {
      governor.ref.tell(new Governor.EntitlementChanged(message.status()));
    }
    return this;
  }

  private Behavior<Command> onSweep() {
    long now = System.nanoTime();
    for (LiveGovernor governor : live.values()) {
      if (now - governor.lastUsedNanos >= idleNanos) {
        governor.ref.tell(Governor.PassivateIfIdle.INSTANCE);
      }
    }
    return this;
  }

  private Behavior<Command> onIdleGovernor(IdleGovernor message) {
    String tenantId = message.idle().tenantId();
    LiveGovernor governor = live.get(tenantId);
    // an Idle from an incarnation that is already gone, sent twice, or overtaken by a new message changes nothing
    if (governor != null && governor.ref.equals(message.idle().governor())
        && System.nanoTime() - governor.lastUsedNanos >= idleNanos) {
      live.remove(tenantId);
      passivating.add(tenantId);
      governor.ref.tell(Governor.Stop.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onGovernorTerminated(GovernorTerminated terminated) {
    String tenantId = terminated.tenantId();
    live.remove(tenantId);
    // the held messages are handled again, in order: the tenant's now start a fresh governor, those of tenants
    // still passivating are stashed again
    return passivating.remove(tenantId) && !stash.isEmpty() ? stash.unstashAll(this) : this;
  }

  private Behavior<Command> onCountLive(CountLive count) {
    count.replyTo().tell(new Live(live.size()));
    return this;
  }

  /** Keeps a message for a passivating tenant; a signal the full stash cannot keep is refused as overloaded. */
  private Behavior<Command> hold(Command message) {
    Stash.stashOrRefuse(stash, message, full -> {
      if (full instanceof Deliver deliver && deliver.command() instanceof Governor.ProcessSignal signal) {
        signal.replyTo().tell(StatusReply.error(Governor.OVERLOADED));
      }
    });
    return this;
  }

  private LiveGovernor governorOf(String tenantId) {
    LiveGovernor governor = live.get(tenantId);
    if (governor != null) {
      return governor;
    }
    ActorRef<Governor.Command> ref = getContext().spawn(
        Behaviors.supervise(Governor.create(tenantId, collaborators, settings)).onFailure(restartStrategy),
        "governor-" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8));
    getContext().watchWith(ref, new GovernorTerminated(tenantId));
    governor = new LiveGovernor(ref, System.nanoTime());
    live.put(tenantId, governor);
    return governor;
  }
}
