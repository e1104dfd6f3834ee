package tai.autonomics.cluster;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;

/**
 * Subscribed to the entitlements singleton (as its child, so it moves with it): tells the tenant's governor, wherever
 * sharding runs it, that the tenant's entitlement changed. A governor that is not running is started by the message,
 * boots from the entitlement and the ledger head, and is passivated again when idle.
 */
final class EntitlementNotifier {
  private EntitlementNotifier() {}

  static Behavior<Entitlements.Status> create() {
    return Behaviors.setup(context -> {
      ClusterSharding sharding = ClusterSharding.get(context.getSystem());
      return Behaviors.receive(Entitlements.Status.class)
          .onMessage(Entitlements.Status.class, status -> {
            sharding.entityRefFor(GovernorEntity.TYPE_KEY, status.tenantId())
                .tell(new Governor.EntitlementChanged(status));
            return Behaviors.same();
          })
          .build();
    });
  }
}
