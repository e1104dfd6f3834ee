package tai.autonomics.cluster;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import tai.autonomics.governor.Governors;

/**
 * Cluster mode's stand-in for {@link Governors}: it speaks the same protocol, so the edge (HTTP routes, benchmarks)
 * needs no change, and hands each {@link Governors.Deliver} to the tenant's sharded governor, wherever in the cluster
 * it runs ({@code EntityRef.tell}: sharding buffers while the tenant's shard is being located or moved).
 * {@link Governors.CountLive} answers with the governors running on this node.
 */
public final class ShardedGovernors {
  private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(3);

  private ShardedGovernors() {}

  public static Behavior<Governors.Command> create() {
    return Behaviors.setup(context -> {
      ClusterSharding sharding = ClusterSharding.get(context.getSystem());
      return Behaviors.receive(Governors.Command.class)
          .onMessage(Governors.Deliver.class, deliver -> onDeliver(sharding, deliver))
          .onMessage(Governors.CountLive.class, count -> onCountLive(context, sharding, count))
          .build();
    });
  }

  private static Behavior<Governors.Command> onDeliver(ClusterSharding sharding, Governors.Deliver deliver) {
    sharding.entityRefFor(GovernorEntity.TYPE_KEY, deliver.tenantId()).tell(deliver.command());
    return Behaviors.same();
  }

  private static Behavior<Governors.Command> onCountLive(ActorContext<Governors.Command> context,
      ClusterSharding sharding, Governors.CountLive count) {
    context.spawnAnonymous(countLocal(sharding, count.replyTo()));
    return Behaviors.same();
  }

  private enum CountTimedOut { INSTANCE }

  /** A one-off child per query: asks this node's shard region for its entities, answers, stops. */
  private static Behavior<Object> countLocal(ClusterSharding sharding, ActorRef<Governors.Live> replyTo) {
    return Behaviors.setup(child -> Behaviors.withTimers(timers -> {
      sharding.shardState().tell(new GetShardRegionState(GovernorEntity.TYPE_KEY, child.getSelf().narrow()));
      timers.startSingleTimer(CountTimedOut.INSTANCE, COUNT_TIMEOUT);
      return Behaviors.receive(Object.class)
          .onMessage(ShardRegion.CurrentShardRegionState.class, state -> {
            int live = state.getShards().stream().mapToInt(shard -> shard.getEntityIds().size()).sum();
            replyTo.tell(new Governors.Live(live));
            return Behaviors.stopped();
          })
          .onMessage(CountTimedOut.class, timedOut -> Behaviors.stopped())
          .build();
    }));
  }
}
