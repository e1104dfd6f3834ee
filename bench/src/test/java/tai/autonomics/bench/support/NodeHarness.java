package tai.autonomics.bench.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import tai.autonomics.http.Main;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/**
 * A real node (actors, store, HTTP) started in this JVM through {@code Main.startNode} on 127.0.0.1 and a free
 * port: the in-process mode of {@link BenchNode} ({@code -Dbench.node=in-process}), where the node shares the
 * harness's JVM, heap and GC with the load client.
 */
public final class NodeHarness implements AutoCloseable {
  private final Main.Running running;
  private final BenchStores.Opened store;

  private NodeHarness(Main.Running running, BenchStores.Opened store) {
    this.running = running;
    this.store = store;
  }

  /** Starts a node on the embedded defaults plus {@code overrides}, its store under {@code dataDir}. */
  public static NodeHarness start(Config overrides, Path dataDir) {
    Config config = overrides
        .withFallback(ConfigFactory.parseString("""
            autonomics.http { interface = "127.0.0.1", port = 0 }
            pekko.loglevel = WARNING
            """))
        .withFallback(ConfigFactory.load());
    BenchStores.Opened opened = BenchStores.open(config, dataDir);
    Config effective = opened.config();
    try {
      Main.Running running = Main.startNode(effective, NodeSettings.create(effective),
          PolicyPacks.create(effective), opened.store()).get(60, TimeUnit.SECONDS);
      return new NodeHarness(running, opened);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not start", e);
    }
  }

  public String storeKind() {
    return store.kind();
  }

  public int port() {
    return running.port();
  }

  /** Stops the node: unbinds, stops the actors; the store closes once the actor system has terminated. */
  @Override
  public void close() {
    running.system().terminate();
    running.system().getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS)
        .exceptionally(failure -> null).join();
    // the node closes its store once terminated; closing it here too (idempotent, under the store's lock) returns
    // only when that is done, so the data directory is quiescent before the test deletes it
    store.store().close();
  }
}
