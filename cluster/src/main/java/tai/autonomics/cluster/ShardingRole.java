package tai.autonomics.cluster;

import com.typesafe.config.Config;

/**
 * Checks the one cluster setting whose mistake does not show until a failover: sharding must run on a role this
 * node has, and that role's {@code min-nr-of-members} must stay 1. A shard coordinator answers no shard-home request
 * until that many regions have registered with it, also when it is re-created on another node after its node died
 * or left; a higher minimum would leave the surviving nodes unable to place any shard (docs/OPERATIONS.md, "Why
 * sharding runs on a role").
 */
final class ShardingRole {
  private ShardingRole() {}

  /** Throws {@link IllegalArgumentException}, naming the setting to fix, when the configuration is not safe. */
  static void require(Config config) {
    String role = config.getString("pekko.cluster.sharding.role");
    if (role.isEmpty()) {
      throw new IllegalArgumentException("pekko.cluster.sharding.role must name the governors' role (default "
          + "\"governors\"): without a role a shard coordinator that moves waits for pekko.cluster.min-nr-of-members "
          + "regions and may never place a shard again");
    }
    if (!config.getStringList("pekko.cluster.roles").contains(role)) {
      throw new IllegalArgumentException("pekko.cluster.roles must contain \"" + role
          + "\" (pekko.cluster.sharding.role): every node runs governors");
    }
    String minimum = "pekko.cluster.role.\"" + role + "\".min-nr-of-members";
    if (config.hasPath(minimum) && config.getInt(minimum) > 1) {
      throw new IllegalArgumentException(minimum + " must stay 1: a shard coordinator re-created after a failover "
          + "waits for that many regions before it places any shard; use pekko.cluster.min-nr-of-members instead");
    }
  }
}
