package tai.autonomics.http;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.node.Node;

/**
 * Binds the routes and ties the binding to CoordinatedShutdown: on SIGTERM the node stops accepting, gives
 * in-flight requests the shutdown deadline to finish, and only then lets the actors (and the ledger) stop.
 */
public final class HttpServer {
  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Node node, HttpSettings settings) {
    Route routes = new HealthRoutes(system, node, settings).routes();
    CompletionStage<ServerBinding> binding = Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(routes);
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        system.log().error("cannot listen on {}:{}: {}", settings.host(), settings.port(), failure.getMessage());
        system.terminate();
        return;
      }
      InetSocketAddress address = bound.localAddress();
      system.log().info("listening on http://{}:{}", address.getHostString(), address.getPort());
      bound.addToCoordinatedShutdown(settings.shutdownDeadline(), system);
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "log-unbind",
          () -> {
            system.log().info("shutting down: no new connections, finishing in-flight requests");
            return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
          });
    });
    return binding;
  }
}
