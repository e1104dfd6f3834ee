package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class ShardingRoleTest {
  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void theDefaultsAndTheLocalhostSetupAreSafe() {
    assertDoesNotThrow(() -> ShardingRole.require(with("")));
    // conf/cluster holds back the first Up with the cluster-wide minimum, which the coordinator does not use
    assertDoesNotThrow(() -> ShardingRole.require(with("pekko.cluster.min-nr-of-members = 2")));
  }

  @Test
  void shardingWithoutARoleIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShardingRole.require(with("pekko.cluster.sharding.role = \"\"")));
    assertTrue(e.getMessage().contains("pekko.cluster.sharding.role"), e.getMessage());
  }

  @Test
  void rolesThatDropTheGovernorsRoleAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShardingRole.require(with("pekko.cluster.roles = [frontend]")));
    assertTrue(e.getMessage().contains("pekko.cluster.roles"), e.getMessage());
  }

  @Test
  void aMinimumForTheGovernorsRoleIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShardingRole.require(with("pekko.cluster.role.governors.min-nr-of-members = 2")));
    assertTrue(e.getMessage().contains("min-nr-of-members"), e.getMessage());
    assertDoesNotThrow(() -> ShardingRole.require(with("pekko.cluster.role.governors.min-nr-of-members = 1")));
  }
}
