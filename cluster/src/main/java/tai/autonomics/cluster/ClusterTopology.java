package tai.autonomics.cluster;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorSettings;
import tai.autonomics.governor.Governors;
import tai.autonomics.node.Topology;

/**
 * Where the per-tenant actors run in cluster mode (docs/OPERATIONS.md, cluster mode).
 *
 * <p>Entitlements: a cluster singleton. It is the simplest correct choice: the actor already applies every event
 * one at a time and keeps all tenants' entitlements in memory, rebuilt at start from the ledger, which all nodes
 * share; one instance cluster-wide means no node ever answers from a stale copy, and a hand-off (or the oldest
 * node's failure) only costs the rebuild from PostgreSQL. Entitlement events are rare next to signals, so one
 * writer is no bottleneck; governors ask it once at boot and are told of changes. Sharding it per tenant would
 * also work but would split the one Subscribe stream into per-tenant ones for no gain at this event rate.
 *
 * <p>Changes reach the governors through a notifier, a child of the singleton (so it runs on the singleton's node
 * and moves with it), subscribed to that node's entitlement changes topic. The subscription lives in the topic actor
 * and the Guardian's restart strategy keeps the singleton's children, so a restart of Entitlements by its supervisor
 * loses neither; when the singleton moves, the old notifier stops with it (the topic drops it) and the new node's
 * singleton subscribes a new one.
 *
 * <p>Governors: Cluster Sharding keyed by tenant id ({@link GovernorEntity}); {@link ShardedGovernors} keeps the
 * {@code Governors} protocol for the edge. Each node's governors write through that node's own Ledger into the
 * shared PostgreSQL store, which keeps each tenant's chain linear whichever node writes.
 */
public final class ClusterTopology implements Topology {

  @Override
  public ActorRef<Entitlements.Command> entitlements(ActorContext<?> context,
      Behavior<Entitlements.Command> behavior) {
    Behavior<Entitlements.Command> notifying = Behaviors.setup(singleton -> {
      // subscribed from inside, so a singleton that moves to another node brings its subscriber with it; the
      // Subscribe reaches Entitlements before any event, so no change is published before the notifier listens
      singleton.getSelf().tell(new Entitlements.Subscribe(
          singleton.spawn(EntitlementNotifier.create(), "governor-notifier")));
      return behavior;
    });
    return ClusterSingleton.get(context.getSystem()).init(SingletonActor.of(notifying, "entitlements"));
  }

  @Override
  public ActorRef<Governors.Command> governors(ActorContext<?> context, ActorRef<Entitlements.Command> entitlements,
      Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators, GovernorSettings settings) {
    // sharding passivates idle governors itself, so their own request to be passivated goes nowhere
    GovernorEntity.init(context.getSystem(), collaborators.apply(context.getSystem().ignoreRef()), settings);
    return context.spawn(ShardedGovernors.create(), "governors");
  }
}
