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
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.node.Node;

/**
 * {@code GET /health}: 200 {@code {"status":"ok","checks":{...}}} when the ledger, the executor and the governors answer in
 * time;
 * 503 {@code {"status":"unavailable",...}} when one does not, or once shutdown has begun (load balancers drain).
 */
public final class HealthRoutes {
  private final ActorSystem<?> system;
  private final Node node;
  private final EdgeContext edge;
  private final Duration timeout;
  private final java.util.concurrent.atomic.AtomicReference<Check> latest =
      new java.util.concurrent.atomic.AtomicReference<>();

  private final java.util.concurrent.atomic.AtomicReference<Ok> lastOk =
      new java.util.concurrent.atomic.AtomicReference<>();

  private static final long FRESH_NANOS = Duration.ofMillis(100).toNanos();
  private static final long STALE_NANOS = Duration.ofSeconds(1).toNanos();

  private record Check(long startedNanos, CompletableFuture<Ok> result) {}

  /** A successful check and its answer, rendered once: probes between checks cost no JSON writing. */
  private record Ok(long checkedNanos, HttpResponse response) {}

  public HealthRoutes(ActorSystem<?> system, Node node, EdgeContext edge) {
    this.system = system;
    this.node = node;
    this.edge = edge;
    this.timeout = edge.settings().askTimeout();
  }

  public Route routes() {
    return path("health", () -> get(() -> completeWithFuture(answer())));
  }

  /** The answer to a probe: most come from the last check. */
  private CompletionStage<HttpResponse> answer() {
    HttpResponse fresh = freshAnswer();
    return fresh != null ? CompletableFuture.completedFuture(fresh) : check()
        .thenApply(Ok::response)
        .exceptionally(failure -> unavailable(String.valueOf(failure.getMessage())));
  }

  /** The answer of a successful check younger than {@link #FRESH_NANOS}, else null (then {@link #check} decides). */
  private HttpResponse freshAnswer() {
    Ok ok = lastOk.get();
    return ok != null && edge.ready() && System.nanoTime() - ok.checkedNanos() < FRESH_NANOS ? ok.response() : null;
  }

  /**
   * Probes share checks: a check younger than {@link #FRESH_NANOS} answers at once; an older one still answers at
   * once (while at most {@link #STALE_NANOS} old) but starts one new check in the background; beyond that, probes
   * wait for the check in flight. A failed check is never served: the next probe waits for a new one. A probe storm
   * thus costs the actors one round of asks per interval, and a probe never queues behind the actors it checks
   * while they answered a moment ago.
   */
  private CompletionStage<Ok> check() {
    if (!edge.ready()) {
      return CompletableFuture.failedFuture(new IllegalStateException("shutting down"));
    }
    long now = System.nanoTime();
    Check last = latest.get();
    if (last != null && now - last.startedNanos() < FRESH_NANOS) {
      return last.result();
    }
    Check next = new Check(now, new CompletableFuture<>());
    Check current = latest.compareAndSet(last, next) ? startCheck(next) : latest.get();
    Ok ok = lastOk.get();
    if (ok != null && now - ok.checkedNanos() < STALE_NANOS) {
      return CompletableFuture.completedFuture(ok);
    }
    return current != null ? current.result() : check();
  }

  private Check startCheck(Check check) {
    askAll().whenComplete((body, failure) -> {
      if (failure != null) {
        lastOk.set(null);
        latest.compareAndSet(check, null);
        check.result().completeExceptionally(failure);
      } else {
        Ok ok = new Ok(check.startedNanos(), EdgeErrors.json(StatusCodes.OK, body));
        lastOk.set(ok);
        check.result().complete(ok);
      }
    });
    return check;
  }

  private CompletionStage<Map<String, Object>> askAll() {
    CompletionStage<Ledger.Head> ledger = edge.gateway().onDispatcher(AskPattern.ask(node.ledger(),
        replyTo -> new Ledger.GetHead("health-probe", replyTo), timeout, system.scheduler()));
    CompletionStage<Governors.Live> governors = edge.gateway().onDispatcher(AskPattern.ask(node.governors(),
        Governors.CountLive::new, timeout, system.scheduler()));
    CompletionStage<ActionExecutor.Status> executor = edge.gateway().onDispatcher(AskPattern.ask(node.executor(),
        ActionExecutor.GetStatus::new, timeout, system.scheduler()));
    return ledger.thenCombine(governors, (head, live) -> live).thenCombine(executor, (live, pool) -> {
      Map<String, Object> checks = new LinkedHashMap<>();
      checks.put("ledger", Map.of("status", "ok", "last_seq", node.store().lastSeq()));
      checks.put("executor", Map.of("status", "ok", "workers", pool.workers(), "busy", pool.busy(),
          "queued", pool.queued()));
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
