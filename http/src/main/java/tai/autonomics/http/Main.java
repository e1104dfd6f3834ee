package tai.autonomics.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptStores;
import tai.autonomics.node.Guardian;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/**
 * {@code java -jar node.jar}: reads the configuration (embedded defaults, {@code -Dconfig.file=...}, {@code PORT},
 * {@code TAI_DATA_DIR}), opens the receipt store, starts the actors and the HTTP server. A store that cannot be
 * opened or a port that cannot be bound ends the process with a clear message and a non-zero exit code.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    NodeSettings settings;
    PolicyPacks packs;
    try {
      settings = NodeSettings.create(config);
      packs = PolicyPacks.create(config);
    } catch (RuntimeException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    ReceiptStore store;
    try {
      store = ReceiptStores.open(settings.ledger());
    } catch (RuntimeException e) {
      System.err.println("cannot open the receipt store (" + settings.ledger().store() + " at "
          + settings.ledger().dataDir().toAbsolutePath() + "): " + e.getMessage());
      System.exit(3);
      return;
    }
    start(config, settings, packs, store).exceptionally(failure -> {
      System.err.println("node did not start: " + failure.getMessage());
      System.exit(4);
      return null;
    });
  }

  /** Starts a node; the returned stage completes with the HTTP binding (tests bind to port 0 through this). */
  public static CompletableFuture<ServerBinding> start(Config config, NodeSettings settings, PolicyPacks packs,
      ReceiptStore store) {
    HttpSettings http = HttpSettings.create(config);
    CompletableFuture<ServerBinding> bound = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(
        Guardian.create(settings, store, packs, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
            (sys, node) -> HttpServer.start(sys, node, http)
            .whenComplete((binding, failure) -> {
              if (failure != null) {
                bound.completeExceptionally(failure);
              } else {
                bound.complete(binding);
              }
            })),
        "tai-autonomics", config);
    system.getWhenTerminated().thenRun(store::close);
    system.log().info("receipt store: {} at {}", settings.ledger().store(),
        settings.ledger().dataDir().toAbsolutePath());
    return bound;
  }
}
