package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.node.Node;

/**
 * {@code GET /health}: 200 {@code {"status":"ok","checks":{...}}} when the ledger and the governors answer in time;
 * 503 {@code {"status":"unavailable",...}} when one does not, or once shutdown has begun (load balancers drain).
 */
public final class HealthRoutes {
  private final ActorSystem<?> system;
  private final Node node;
  private final EdgeContext edge;
  private final Duration timeout;

  public HealthRoutes(ActorSystem<?> system, Node node, EdgeContext edge) {
    this.system = system;
    this.node = node;
    this.edge = edge;
    this.timeout = edge.settings().askTimeout();
  }

  public Route routes() {
    return path("health", () -> get(() -> completeWithFuture(check()
        .thenApply(body -> EdgeErrors.json(StatusCodes.OK, body))
        .exceptionally(failure -> unavailable(String.valueOf(failure.getMessage()))))));
  }

  private CompletionStage<Map<String, Object>> check() {
    if (!edge.ready()) {
      return CompletableFuture.failedFuture(new IllegalStateException("shutting down"));
    }
    CompletionStage<Ledger.Head> ledger = AskPattern.ask(node.ledger(),
        replyTo -> new Ledger.GetHead("health-probe", replyTo), timeout, system.scheduler());
    CompletionStage<Governors.Live> governors = AskPattern.ask(node.governors(), Governors.CountLive::new,
        timeout, system.scheduler());
    return ledger.thenCombine(governors, (head, live) -> {
      Map<String, Object> checks = new LinkedHashMap<>();
      checks.put("ledger", Map.of("status", "ok", "last_seq", node.store().lastSeq()));
      checks.put("governors", Map.of("status", "ok", "live", live.governors()));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "ok");
      body.put("checks", checks);
      return body;
    });
  }

  private static HttpResponse unavailable(String detail) {
    Map<String, Object> down = new LinkedHashMap<>();
    down.put("status", "unavailable");
    down.put("detail", detail);
    return EdgeErrors.json(StatusCodes.SERVICE_UNAVAILABLE, down);
  }
}
