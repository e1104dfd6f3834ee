package tai.autonomics.cluster;

import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import tai.autonomics.governor.Governors;

/**
 * Cluster mode's stand-in for {@link Governors}: it speaks the same protocol, so the edge (HTTP routes, benchmarks)
 * needs no change, and hands each {@link Governors.Deliver} to the tenant's sharded governor, wherever in the cluster
 * it runs ({@code EntityRef.tell}: sharding buffers while the tenant's shard is being located or moved).
 * {@link Governors.CountLive} answers with the governors running on this node, as the shard coordinator's round of
 * all regions reports them: a real round trip through the coordinator, and no answer (the health check's ask times
 * out: not ready) while this node's region is not registered with it. Until then a first request for a tenant would
 * wait for a shard home, and might time out for a reason that is only start-up.
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

  /** A one-off child per query: asks the coordinator for every region's entities, answers with this node's, stops. */
  private static Behavior<Object> countLocal(ClusterSharding sharding, ActorRef<Governors.Live> replyTo) {
    return Behaviors.setup(child -> Behaviors.withTimers(timers -> {
      sharding.shardState().tell(new GetClusterShardingStats(GovernorEntity.TYPE_KEY, COUNT_TIMEOUT,
          child.getSelf().narrow()));
      timers.startSingleTimer(CountTimedOut.INSTANCE, COUNT_TIMEOUT.plusSeconds(1));
      Address self = Cluster.get(child.getSystem()).selfMember().address();
      return Behaviors.receive(Object.class)
          .onMessage(ShardRegion.ClusterShardingStats.class, stats -> {
            ShardRegion.ShardRegionStats own = stats.getRegions().get(self);
            if (own != null) {
              replyTo.tell(new Governors.Live(own.getStats().values().stream().mapToInt(n -> (Integer) n).sum()));
            }
            return Behaviors.stopped();
          })
          .onMessage(CountTimedOut.class, timedOut -> Behaviors.stopped())
          .build();
    }));
  }
}
