package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;

/**
 * The baseline of the /health benchmark: a bare pekko-http server answering {@code GET /hello} with a constant
 * string, on the same pekko and pekko-http versions and default dispatcher as the node. Not a test; run with
 * {@code java -cp <test classpath> tai.autonomics.http.HelloWorldServer [port]}.
 */
public final class HelloWorldServer {
  private HelloWorldServer() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hello",
        ConfigFactory.parseString("pekko.logger-startup-timeout = 30s").withFallback(ConfigFactory.load()));
    Http.get(system).newServerAt("127.0.0.1", port)
        .bind(path("hello", () -> get(() -> complete("Hello, world!"))))
        .thenAccept(binding -> system.log().info("listening on http://{}", binding.localAddress()));
  }
}
