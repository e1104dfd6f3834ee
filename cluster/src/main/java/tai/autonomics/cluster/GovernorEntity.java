package tai.autonomics.cluster;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorSettings;

/**
 * The governor as a sharded entity: entity id = tenant id, so the cluster runs at most one governor per tenant.
 * The behavior is the single-node {@link Governor} unchanged. Sharding takes over what {@code Governors} does on one
 * node: it starts the governor on first message, restarts it under the same limit, and passivates it when idle
 * (sharding's idle strategy with the governor's idle-timeout; the governor's own idle request is switched off), with
 * {@link Governor.Stop} as the stop message so passivation and hand-off stop it the same way.
 */
public final class GovernorEntity {
  public static final EntityTypeKey<Governor.Command> TYPE_KEY =
      EntityTypeKey.create(Governor.Command.class, "governor");

  private GovernorEntity() {}

  public static void init(ActorSystem<?> system, Governor.Collaborators collaborators, GovernorSettings settings) {
    GovernorSettings shardingPassivates = new GovernorSettings(settings.stashCapacity(),
        settings.passivationStashCapacity(), settings.actionDeadline(),
        Duration.ZERO, settings.bootTimeout(), settings.maxRestarts(), settings.restartWindow());
    ClusterShardingSettings sharding = ClusterShardingSettings.create(system);
    sharding = settings.idleTimeout().isZero()
        ? sharding.withNoPassivationStrategy()
        : sharding.withPassivationStrategy(
            sharding.passivationStrategySettings().withIdleEntityPassivation(settings.idleTimeout()));
    ClusterSharding.get(system).init(
        Entity.of(TYPE_KEY, entity -> Behaviors.supervise(
                Governor.create(entity.getEntityId(), collaborators, shardingPassivates))
                .onFailure(SupervisorStrategy.restart().withLimit(settings.maxRestarts(), settings.restartWindow())))
            .withStopMessage(Governor.Stop.INSTANCE)
            .withSettings(sharding));
  }
}
