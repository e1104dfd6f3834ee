package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The baseline of the HTTP benchmarks (http-bench.sh): a bare pekko-http server answering {@code GET /hello} with a
 * constant string and {@code POST /pubsub}, once its body is read as a string, with a constant JSON (the anchor of
 * the node's /pubsub), on the same pekko and pekko-http versions and default dispatcher as the node. Not a test;
 * run with {@code java -cp <test classpath> tai.autonomics.http.HelloWorldServer [port]}.
 */
public final class HelloWorldServer {
  private HelloWorldServer() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hello",
        ConfigFactory.parseString("pekko.logger-startup-timeout = 30s").withFallback(ConfigFactory.load()));
    Http.get(system).newServerAt("127.0.0.1", port)
        .bind(concat(
            path("hello", () -> get(() -> complete("Hello, world!"))),
            path("pubsub", () -> post(() -> entity(Unmarshaller.entityToString(), body -> complete(StatusCodes.OK,
                HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"status\":\"accepted\"}")))))))
        .thenAccept(binding -> system.log().info("listening on http://{}", binding.localAddress()));
  }
}
