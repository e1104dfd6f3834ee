package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.reject;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.node.Node;
import tai.autonomics.tlog.TransparencyLog;

/**
 * Builds the routes and binds them; the binding joins CoordinatedShutdown. The start completes once the node is
 * ready ({@link HealthRoutes#awaitReady}); until then work is answered 503 not_ready. On SIGTERM: new work is refused
 * (503 not_ready, /health 503) and the port is unbound, in-flight requests get the shutdown deadline to finish, and
 * only then do the actors stop; the store is closed after the actor system has terminated (see {@link Main}).
 * Every answer, including rejections and unexpected exceptions, is JSON; every request is timed by route.
 */
public final class HttpServer {
  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Node node, HttpSettings settings) {
    return start(system, node, settings, Optional.empty());
  }

  /** As {@link #start}, serving the tenants' transparency logs when the store keeps them. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Node node, HttpSettings settings,
      Optional<TransparencyLog> log) {
    PrometheusMeterRegistry registry = (PrometheusMeterRegistry) node.metrics();
    EdgeMetrics metrics = new EdgeMetrics(registry, settings.tenantLabel(), node.store());
    EdgeContext edge = new EdgeContext(system, new NodeGateway(system, node, settings.askTimeout()), settings,
        metrics, Clock.systemUTC());
    // built once, here: the javadsl calls a directive's inner Supplier on every request, so anything constructed
    // inside one (the route classes, the health check's state) would be constructed per request
    PubSubRoutes pubsub = new PubSubRoutes(edge);
    HealthRoutes health = new HealthRoutes(system, node, edge);
    Route logs = log.map(l -> new LogRoutes(edge, l).routes()).orElseGet(() -> reject());
    Route all = concat(
        pubsub.routes(),
        logs,
        health.routes(),
        new MarketplaceRoutes(edge).routes(),
        new ReceiptRoutes(edge).routes(),
        new TenantRoutes(edge).routes(),
        new TenantControlRoutes(edge).routes(),
        new DeadLetterRoutes(edge).routes(),
        new BackupRoutes(edge).routes(),
        new PolicyRoutes(edge).routes(),
        new SignupRoutes(edge, system).routes(),
        new MetricsRoutes(edge, registry).routes());
    // the handlers too: the inner Supplier of handleExceptions runs on every request
    RejectionHandler rejections = EdgeErrors.rejectionHandler();
    Route handled = handleRejections(rejections, () -> all);
    Route routes = timed(metrics, handleExceptions(EdgeErrors.exceptionHandler(), () -> handled));
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "http-stop-accepting",
        () -> {
          system.log().info("shutting down: refusing new work, finishing in-flight requests (deadline {})",
              settings.shutdownDeadline());
          edge.stopAccepting();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    // the packs' policy records first (once per version, whatever the restarts), so decisions name versions the
    // ledger holds; a ledger that refuses them now gets them again later, and the node serves meanwhile
    CompletionStage<ServerBinding> binding = PolicyRoutes.recordAtStart(system, edge.gateway(), node.packs())
        .thenCompose(recorded -> Http.get(system).newServerAt(settings.host(), settings.port()).bind(routes));
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        system.log().error("cannot listen on {}:{}: {}", settings.host(), settings.port(), failure.getMessage());
        system.terminate();
        return;
      }
      InetSocketAddress address = bound.localAddress();
      system.log().info("listening on http://{}:{}", address.getHostString(), address.getPort());
      bound.addToCoordinatedShutdown(settings.shutdownDeadline(), system);
    });
    // started once ready: work accepted earlier could wait out its timeout for a reason that is only start-up
    return binding.thenCompose(bound -> health.awaitReady().thenApply(ready -> bound));
  }

  /** Records every request as {@code tai_http_server_requests_seconds{route,method,status}}. */
  private static Route timed(EdgeMetrics metrics, Route inner) {
    return extractRequest(request -> {
      long started = System.nanoTime();
      String route = routeOf(request.getUri().path());
      String method = request.method().name();
      return mapResponse(response -> {
        metrics.httpRequest(route, method, response.status().intValue(), System.nanoTime() - started);
        return response;
      }, () -> inner);
    });
  }

  /** The route template of a path: ids are not labels (unbounded cardinality). */
  static String routeOf(String path) {
    String[] parts = path.split("/", -1);
    if (parts.length < 2) {
      return "other";
    }
    return switch (parts[1]) {
      case "pubsub", "marketplace", "metrics", "signup" -> parts.length == 2 ? "/" + parts[1] : "other";
      case "health" -> parts.length == 2 ? "/health"
          : parts.length == 3 && (parts[2].equals("ready") || parts[2].equals("live")) ? "/health/" + parts[2]
              : "other";
      case "admin" -> parts.length == 3 && parts[2].equals("backup") ? "/admin/backup"
          : parts.length == 4 && parts[2].equals("policies") && parts[3].equals("reload") ? "/admin/policies/reload"
              : "other";
      case "policies" -> parts.length == 3 ? "/policies/{version}" : "other";
      case "receipts" -> parts.length == 3 ? "/receipts/{id}" : "other";
      case "log" -> parts.length == 3 && parts[2].equals("vkey") ? "/log/vkey" : "other";
      case "tenants" -> parts.length == 3 ? "/tenants/{id}"
          : parts.length >= 5 && parts[3].equals("log") ? "/tenants/{id}/log/" + (parts[4].equals("proof")
              && parts.length == 6 ? "proof/" + parts[5] : parts[4].equals("tile") ? "tile" : parts[4])
          : parts.length == 4 && (parts[3].equals("receipts") || parts[3].equals("verify"))
              ? "/tenants/{id}/" + parts[3] : "other";
      default -> "other";
    };
  }
}
