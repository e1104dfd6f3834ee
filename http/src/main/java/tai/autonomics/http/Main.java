package tai.autonomics.http;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.Guardian;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.node.Topology;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.tlog.TransparencyLog;

/**
 * {@code java -jar node.jar}: one node on its own, started by {@link NodeLauncher} (configuration, store, exit
 * codes). The {@code start} methods start a node in this JVM: its actors and its HTTP server.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (LogCommands.handles(args)) {
      System.exit(LogCommands.run(args, System.out, System.err));
    }
    if (PolicyCommands.handles(args)) {
      System.exit(PolicyCommands.run(args, System.out, System.err));
    }
    NodeLauncher.launch(NodeLauncher.SINGLE);
  }

  /**
   * A started node: its actor system (terminate it to stop the node), its HTTP binding, and what completes once the
   * node stopped and its store is closed (a restart in the same process may reopen the store then).
   */
  public record Running(ActorSystem<Void> system, ServerBinding binding, CompletionStage<Void> closed) {
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
    // before anything writes: every write from now on grows the tenants' trees
    Optional<TransparencyLog> log = LogSigning.attach(store, config);
    PrometheusMeterRegistry metrics = metricsRegistry();
    CompletableFuture<ServerBinding> bound = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(
        Guardian.create(settings, store, packs, metrics, (sys, node) -> HttpServer.start(sys, node, http, log)
            .whenComplete((binding, failure) -> {
              if (failure != null) {
                bound.completeExceptionally(failure);
              } else {
                bound.complete(binding);
              }
            }), topology),
        "tai-autonomics", config);
    LogSigning signing = new LogSigning(system, log, config);
    CompletionStage<Void> closed = system.getWhenTerminated().thenRun(() -> {
      // the Ledger has written its last batch: sign the trees it grew, then close the store
      signing.signLast();
      store.close();
      metrics.close();
    });
    system.log().info("receipt store: {} at {}", settings.ledger().store(),
        settings.ledger().dataDir().toAbsolutePath());
    return bound.thenApply(binding -> new Running(system, binding, closed));
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
