package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.node.Node;

/** {@code GET /health}: 200 when the ledger and the governors answer in time, 503 otherwise. */
public final class HealthRoutes {
  private final ActorSystem<?> system;
  private final Node node;
  private final HttpSettings settings;

  public HealthRoutes(ActorSystem<?> system, Node node, HttpSettings settings) {
    this.system = system;
    this.node = node;
    this.settings = settings;
  }

  public Route routes() {
    return path("health", () -> get(() -> onComplete(check(), result -> {
      if (result.isSuccess()) {
        return complete(StatusCodes.OK, result.get(), JsonMarshalling.marshaller());
      }
      Map<String, Object> down = new LinkedHashMap<>();
      down.put("status", "unavailable");
      down.put("detail", String.valueOf(result.failed().get().getMessage()));
      return complete(StatusCodes.SERVICE_UNAVAILABLE, down, JsonMarshalling.marshaller());
    })));
  }

  private CompletionStage<Map<String, Object>> check() {
    CompletionStage<Ledger.Head> ledger = AskPattern.ask(node.ledger(),
        replyTo -> new Ledger.GetHead("health-probe", replyTo), settings.askTimeout(), system.scheduler());
    CompletionStage<Governors.Live> governors = AskPattern.ask(node.governors(), Governors.CountLive::new,
        settings.askTimeout(), system.scheduler());
    return ledger.thenCombine(governors, (head, live) -> {
      Map<String, Object> checks = new LinkedHashMap<>();
      checks.put("ledger", Map.of("status", "ok", "receipts", node.store().lastSeq()));
      checks.put("governors", Map.of("status", "ok", "live", live.governors()));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "ok");
      body.put("checks", checks);
      return body;
    });
  }
}
