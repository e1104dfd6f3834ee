package tai.autonomics.cluster;

import com.typesafe.config.Config;
import tai.autonomics.cluster.postgres.PostgresReceiptStore;
import tai.autonomics.cluster.postgres.PostgresSettings;
import tai.autonomics.http.NodeLauncher;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.node.Topology;

/**
 * {@code java -Dconfig.file=conf/cluster/node-1.conf -jar cluster/target/cluster-node.jar}: one node of a cluster.
 * The same node as {@code node.jar} (same HTTP API, same actors, same {@link NodeLauncher} and exit codes), except
 * that it joins a Pekko cluster, runs its tenants' governors in Cluster Sharding and entitlements as a cluster
 * singleton ({@link ClusterTopology}), and writes the ledger every node shares in PostgreSQL.
 */
public final class ClusterMain {
  private ClusterMain() {}

  /** A cluster node: the shared PostgreSQL ledger, the sharding role, the cluster topology. */
  static final NodeLauncher.Mode CLUSTER = new NodeLauncher.Mode() {
    @Override
    public void check(Config config, NodeSettings settings) {
      PostgresSettings.create(config);
      ShardingRole.require(config);
      if (!"postgres".equals(settings.ledger().store())) {
        throw new IllegalArgumentException("cluster mode needs the shared ledger: autonomics.ledger.store = postgres, "
            + "not " + settings.ledger().store());
      }
      if (config.getString("autonomics.ledger.log-key-file").isEmpty()) {
        throw new IllegalArgumentException("cluster mode needs autonomics.ledger.log-key-file (TAI_LOG_KEY_FILE): "
            + "every node signs the tenants' checkpoints with the same key, so one node's default key would not do");
      }
    }

    @Override
    public ReceiptStore openStore(Config config, NodeSettings settings) {
      return PostgresReceiptStore.open(PostgresSettings.create(config));
    }

    @Override
    public Topology topology() {
      return new ClusterTopology();
    }
  };

  public static void main(String[] args) {
    NodeLauncher.launch(CLUSTER);
  }
}
