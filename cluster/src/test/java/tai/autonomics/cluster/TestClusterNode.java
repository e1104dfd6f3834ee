package tai.autonomics.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import tai.autonomics.cluster.postgres.PostgresReceiptStore;
import tai.autonomics.cluster.postgres.PostgresSettings;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.Guardian;
import tai.autonomics.node.Node;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/**
 * One cluster node inside the test JVM: its own actor system on its own loopback port, its own Ledger and its own
 * connection pool over the shared PostgreSQL schema, exactly as a separate process would have.
 */
public record TestClusterNode(ActorSystem<Void> system, Node node, PostgresReceiptStore store) {

  public static int[] freePorts(int count) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      try (ServerSocket socket = new ServerSocket(0)) {
        ports[i] = socket.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return ports;
  }

  /** Starts a node on {@code port} that joins the cluster seeded by {@code seedPort}; extraConfig overrides. */
  public static TestClusterNode start(int port, int seedPort, PostgresSettings postgres, List<String> tenants,
      String extraConfig) {
    return start(port, seedPort, postgres, tenants, extraConfig, store -> store);
  }

  /** As above; the node reads and writes through {@code storeView} of its store (a test may fail some reads). */
  public static TestClusterNode start(int port, int seedPort, PostgresSettings postgres, List<String> tenants,
      String extraConfig, Function<PostgresReceiptStore, ReceiptStore> storeView) {
    String seeds = tenants.stream().map(t -> "{ tenant-id = \"" + t + "\", sku = \"base\" }")
        .collect(Collectors.joining(", "));
    Config config = ConfigFactory.parseString("""
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.seed-nodes = ["pekko://tai-autonomics@127.0.0.1:%d"]
        pekko.cluster.split-brain-resolver.stable-after = 2s
        # no member is Up (so no singleton runs and no shard is placed) until all three have joined: the tenants
        # spread over all three. Safe only because sharding runs on a role whose own min-nr-of-members is 1 (see the
        # cluster reference.conf): otherwise a coordinator re-created on two survivors would never place a shard
        pekko.cluster.min-nr-of-members = 3
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        # 3 s (the default) rather than less: on a loaded 2-core machine heartbeats arrive up to ~2 s late, and a
        # healthy node falsely found unreachable would be downed by the split-brain resolver
        pekko.cluster.failure-detector.acceptable-heartbeat-pause = 3s
        pekko.cluster.sharding.number-of-shards = 30
        # the entitlements singleton starts every seeded tenant's governor as soon as it runs, possibly before all
        # regions registered: rebalance often and in larger steps so the shards spread within seconds
        pekko.cluster.sharding.rebalance-interval = 2s
        pekko.cluster.sharding.least-shard-allocation-strategy.rebalance-relative-limit = 0.5
        pekko.loglevel = INFO
        autonomics.entitlements.seed = [%s]
        autonomics.executor.simulated.latency = 1ms
        """.formatted(port, seedPort, seeds) + "\n" + extraConfig).withFallback(ConfigFactory.load()).resolve();
    PostgresReceiptStore store = PostgresReceiptStore.open(postgres);
    CompletableFuture<Node> started = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(
        Guardian.create(NodeSettings.create(config), storeView.apply(store), PolicyPacks.create(config),
            new SimpleMeterRegistry(), (sys, node) -> started.complete(node), new ClusterTopology()),
        "tai-autonomics", config);
    try {
      return new TestClusterNode(system, started.get(30, TimeUnit.SECONDS), store);
    } catch (Exception e) {
      system.terminate();
      store.close();
      throw new IllegalStateException("node on port " + port + " did not start", e);
    }
  }

  /** Terminates the actor system and waits for it, then releases the pool. */
  public void stop(Duration timeout) {
    system.terminate();
    awaitTerminated(timeout);
  }

  public void awaitTerminated(Duration timeout) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node did not terminate within " + timeout, e);
    } finally {
      store.close();
    }
  }
}
