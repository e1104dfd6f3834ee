package tai.autonomics.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletionException;
import tai.autonomics.cluster.postgres.PostgresReceiptStore;
import tai.autonomics.cluster.postgres.PostgresSettings;
import tai.autonomics.http.HttpSettings;
import tai.autonomics.http.Main;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/**
 * {@code java -Dconfig.file=conf/cluster/node-1.conf -jar cluster/target/cluster-node.jar}: one node of a cluster.
 * The same node as {@code node.jar} (same HTTP API, same actors), except that it joins a Pekko cluster, runs its
 * tenants' governors in Cluster Sharding and entitlements as a cluster singleton ({@link ClusterTopology}), and writes
 * the ledger every node shares in PostgreSQL. Exit codes as {@code node.jar}: 2 invalid configuration, 3 store cannot
 * be opened, 4 node did not start.
 */
public final class ClusterMain {
  private ClusterMain() {}

  public static void main(String[] args) {
    Config config = tai.autonomics.node.NodeConfig.load();
    NodeSettings settings;
    PolicyPacks packs;
    PostgresSettings postgres;
    try {
      settings = NodeSettings.create(config);
      packs = PolicyPacks.create(config);
      HttpSettings.create(config);
      postgres = PostgresSettings.create(config);
      ShardingRole.require(config);
      if (!"postgres".equals(settings.ledger().store())) {
        throw new IllegalArgumentException("cluster mode needs the shared ledger: autonomics.ledger.store = postgres, "
            + "not " + settings.ledger().store());
      }
    } catch (RuntimeException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    PostgresReceiptStore store;
    try {
      store = PostgresReceiptStore.open(postgres);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(3);
      return;
    }
    try {
      Main.startNode(config, settings, packs, store, new ClusterTopology()).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("node did not start: " + cause.getMessage());
      System.exit(4);
    }
  }
}
