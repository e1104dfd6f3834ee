package tai.autonomics.governor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.entitlement.Entitlements;

/**
 * Parent of all governors of this node: starts a tenant's governor on first use ({@code governor-<tenant>}),
 * restarts a failing one (with a limit), forwards entitlement changes to the live ones, and passivates idle ones.
 * Passivation is a handshake: the governor asks, this actor stops routing to it and tells it to stop, and holds
 * messages for the tenant until it has terminated, then starts a fresh governor for them, which restores its state
 * from the ledger.
 */
public final class Governors extends AbstractBehavior<Governors.Command> {

  public sealed interface Command extends CborSerializable
      permits Deliver, CountLive, EntitlementStatus, IdleGovernor, GovernorTerminated {}

  /** Send {@code command} to the tenant's governor, starting it when needed. */
  public record Deliver(String tenantId, Governor.Command command) implements Command {}

  public record CountLive(ActorRef<Live> replyTo) implements Command {}

  public record Live(int governors) implements CborSerializable {}

  private record EntitlementStatus(Entitlements.Status status) implements Command {}

  private record IdleGovernor(Governor.Idle idle) implements Command {}

  private record GovernorTerminated(String tenantId) implements Command {}

  /** Messages held per passivating tenant; beyond this, signals are refused as overloaded. */
  private static final int MAX_HELD_PER_TENANT = 1000;

  public static Behavior<Command> create(ActorRef<Entitlements.Command> entitlements,
      java.util.function.Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators,
      GovernorSettings settings) {
    return Behaviors.setup(context -> new Governors(context, entitlements, collaborators, settings));
  }

  private final GovernorSettings settings;
  private final Governor.Collaborators collaborators;
  private final Map<String, ActorRef<Governor.Command>> live = new HashMap<>();
  private final Map<String, List<Governor.Command>> heldWhilePassivating = new HashMap<>();

  private Governors(ActorContext<Command> context, ActorRef<Entitlements.Command> entitlements,
      java.util.function.Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators,
      GovernorSettings settings) {
    super(context);
    this.settings = settings;
    this.collaborators = collaborators.apply(context.messageAdapter(Governor.Idle.class, IdleGovernor::new));
    entitlements.tell(new Entitlements.Subscribe(context.messageAdapter(Entitlements.Status.class,
        EntitlementStatus::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(CountLive.class, this::onCountLive)
        .onMessage(EntitlementStatus.class, this::onEntitlementStatus)
        .onMessage(IdleGovernor.class, this::onIdleGovernor)
        .onMessage(GovernorTerminated.class, this::onGovernorTerminated)
        .build();
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    List<Governor.Command> held = heldWhilePassivating.get(deliver.tenantId());
    if (held != null) {
      hold(held, deliver.command());
      return this;
    }
    governorOf(deliver.tenantId()).tell(deliver.command());
    return this;
  }

  private Behavior<Command> onEntitlementStatus(EntitlementStatus message) {
    Governor.Command changed = new Governor.EntitlementChanged(message.status());
    String tenantId = message.status().tenantId();
    List<Governor.Command> held = heldWhilePassivating.get(tenantId);
    if (held != null) {
      hold(held, changed);
    } else {
      ActorRef<Governor.Command> governor = live.get(tenantId);
      if (governor != null) {
        governor.tell(changed);
      }
    }
    return this;
  }

  private Behavior<Command> onIdleGovernor(IdleGovernor message) {
    String tenantId = message.idle().tenantId();
    ActorRef<Governor.Command> governor = live.get(tenantId);
    // an Idle from an incarnation that is already gone, or sent twice, changes nothing
    if (governor != null && governor.equals(message.idle().governor())) {
      live.remove(tenantId);
      heldWhilePassivating.put(tenantId, new ArrayList<>());
      governor.tell(Governor.Stop.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onGovernorTerminated(GovernorTerminated terminated) {
    String tenantId = terminated.tenantId();
    live.remove(tenantId);
    List<Governor.Command> held = heldWhilePassivating.remove(tenantId);
    if (held != null && !held.isEmpty()) {
      ActorRef<Governor.Command> fresh = governorOf(tenantId);
      held.forEach(fresh::tell);
    }
    return this;
  }

  private Behavior<Command> onCountLive(CountLive count) {
    count.replyTo().tell(new Live(live.size()));
    return this;
  }

  private void hold(List<Governor.Command> held, Governor.Command command) {
    if (held.size() < MAX_HELD_PER_TENANT) {
      held.add(command);
    } else if (command instanceof Governor.ProcessSignal signal) {
      signal.replyTo().tell(StatusReply.error(Governor.OVERLOADED));
    }
  }

  private ActorRef<Governor.Command> governorOf(String tenantId) {
    ActorRef<Governor.Command> governor = live.get(tenantId);
    if (governor != null) {
      return governor;
    }
    governor = getContext().spawn(
        Behaviors.supervise(Governor.create(tenantId, collaborators, settings))
            .onFailure(SupervisorStrategy.restart()
                .withLimit(settings.maxRestarts(), settings.restartWindow())),
        "governor-" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8));
    getContext().watchWith(governor, new GovernorTerminated(tenantId));
    live.put(tenantId, governor);
    return governor;
  }
}
