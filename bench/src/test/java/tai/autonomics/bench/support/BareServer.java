package tai.autonomics.bench.support;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The anchor of every HTTP case: a bare pekko-http server (the node's pekko and pekko-http versions, default
 * dispatcher) that answers any GET with a constant string and any POST, once its whole body is read as a string,
 * with a constant JSON. What a case measures on the node, divided by the same load on this server, is the node's
 * own cost. It runs in a JVM of its own with the node's JVM options ({@link #start}), not in the harness's: the
 * node runs in its own process too, so both are loaded across the same process boundary and neither shares the load
 * client's heap, GC or threads. By hand: {@code java -cp <bench test classpath>
 * tai.autonomics.bench.support.BareServer [port]} (0 picks a free one); it prints {@code listening on ...} once bound.
 */
public final class BareServer {
  private static final String ACCEPTED = "{\"status\":\"accepted\"}";

  private BareServer() {}

  /** Starts the server in a JVM of its own on a free port; its output goes to {@code log}. */
  public static ChildJvm start(Path log) {
    int port = ChildJvm.freePort();
    return ChildJvm.start("bare pekko-http server", List.of("-cp", System.getProperty("java.class.path")),
        List.of(BareServer.class.getName(), Integer.toString(port)), Map.of(), port, "/hello", log,
        Duration.ofSeconds(60));
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bare", ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.logger-startup-timeout = 30s
        # the large-payload case posts about 1 MB
        pekko.http.server.parsing.max-content-length = 8m
        """).withFallback(ConfigFactory.load()));
    Http.get(system).newServerAt("127.0.0.1", port).bind(route()).whenComplete((binding, failure) -> {
      if (failure != null) {
        System.err.println("bare server: cannot bind 127.0.0.1:" + port + ": " + failure);
        system.terminate();
        System.exit(1);
      }
      System.out.println("listening on http://127.0.0.1:" + binding.localAddress().getPort());
      System.out.flush();
    });
  }

  static Route route() {
    return concat(
        get(() -> complete("Hello, world!")),
        post(() -> entity(Unmarshaller.entityToString(),
            body -> complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON, ACCEPTED)))));
  }
}
