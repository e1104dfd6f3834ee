package tai.autonomics.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptStores;
import tai.autonomics.node.Guardian;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.node.Topology;
import tai.autonomics.policy.PolicyPacks;

/**
 * {@code java -jar node.jar}: reads the configuration (embedded defaults, {@code -Dconfig.file=...}, {@code PORT},
 * {@code TAI_DATA_DIR}), opens the receipt store, starts the actors and the HTTP server. Invalid configuration
 * (exit 2), a store that cannot be opened (exit 3) and a port that cannot be bound (exit 4) end the process with a
 * clear message.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Config config = tai.autonomics.node.NodeConfig.load();
    NodeSettings settings;
    PolicyPacks packs;
    try {
      settings = NodeSettings.create(config);
      packs = PolicyPacks.create(config);
      HttpSettings.create(config);
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
    try {
      // the main thread is no dispatcher thread: waiting here for the binding blocks nothing else
      start(config, settings, packs, store).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("node did not start: " + cause.getMessage());
      System.exit(4);
    }
  }

  /** A started node: its actor system (terminate it to stop the node) and its HTTP binding. */
  public record Running(ActorSystem<Void> system, ServerBinding binding) {
    public int port() {
      return binding.localAddress().getPort();
    }
  }

  /** Starts a node; the returned stage completes with the HTTP binding (tests bind to port 0 through this). */
  public static CompletableFuture<ServerBinding> start(Config config, NodeSettings settings, PolicyPacks packs,
      ReceiptStore store) {
    return startNode(config, settings, packs, store).thenApply(Running::binding);
  }

  /** As {@link #start}, keeping hold of the actor system so the caller can stop the node. */
  public static CompletableFuture<Running> startNode(Config config, NodeSettings settings, PolicyPacks packs,
      ReceiptStore store) {
    return startNode(config, settings, packs, store, Topology.local());
  }

  /** As {@link #startNode}, with entitlements and governors placed by {@code topology} (the cluster module's main). */
  public static CompletableFuture<Running> startNode(Config config, NodeSettings settings, PolicyPacks packs,
      ReceiptStore store, Topology topology) {
    HttpSettings http = HttpSettings.create(config);
    PrometheusMeterRegistry metrics = metricsRegistry();
    CompletableFuture<ServerBinding> bound = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(
        Guardian.create(settings, store, packs, metrics, (sys, node) -> HttpServer.start(sys, node, http)
            .whenComplete((binding, failure) -> {
              if (failure != null) {
                bound.completeExceptionally(failure);
              } else {
                bound.complete(binding);
              }
            }), topology),
        "tai-autonomics", config);
    system.getWhenTerminated().thenRun(() -> {
      store.close();
      metrics.close();
    });
    system.log().info("receipt store: {} at {}", settings.ledger().store(),
        settings.ledger().dataDir().toAbsolutePath());
    return bound.thenApply(binding -> new Running(system, binding));
  }

  private static PrometheusMeterRegistry metricsRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }
}
