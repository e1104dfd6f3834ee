package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

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
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.node.Node;

/**
 * {@code GET /health/ready} (and {@code /health}, the same): 200 {@code {"status":"ok","checks":{...}}} when every
 * subsystem a route needs answers a real round trip in time: the ledger, the executor, the governors (in cluster
 * mode through the shard coordinator) and entitlements (in cluster mode the singleton); 503
 * {@code {"status":"unavailable",...}} when one does not, or once shutdown has begun (load balancers drain).
 * {@code GET /health/live}: 200 while the process answers HTTP at all (Kubernetes' liveness: restart only a hung
 * node, not one that waits for its cluster). At start the node checks until it is ready ({@link #awaitReady}); the
 * edge accepts work only from then on.
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
  private static final Duration RETRY = Duration.ofMillis(250);
  private static final HttpResponse LIVE = EdgeErrors.json(StatusCodes.OK, Map.of("status", "ok"));

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
    return pathPrefix("health", () -> get(() -> concat(
        pathEnd(() -> completeWithFuture(answer())),
        path("ready", () -> completeWithFuture(answer())),
        path("live", () -> complete(LIVE)))));
  }

  /**
   * Completes once a check passes, retried every {@link #RETRY} until then (a cluster node waits for its cluster);
   * the edge accepts work from then on. Fails only when shutdown begins first.
   */
  public CompletionStage<Void> awaitReady() {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    attempt(ready, 0);
    return ready;
  }

  private void attempt(CompletableFuture<Void> ready, int failures) {
    check().whenComplete((ok, failure) -> {
      if (failure == null) {
        edge.markStarted();
        ready.complete(null);
      } else if (!edge.ready() || system.whenTerminated().isCompleted()) {
        ready.completeExceptionally(failure);
      } else {
        if (failures % 20 == 0) {
          system.log().info("not ready yet, not accepting work: {}", failure.getMessage());
        }
        system.scheduler().scheduleOnce(RETRY, () -> attempt(ready, failures + 1), system.executionContext());
      }
    });
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
    CompletionStage<Entitlements.Status> entitlements = edge.gateway().entitlement("health-probe");
    return ledger.thenCombine(entitlements, (head, status) -> head).thenCombine(governors, (head, live) -> live)
        .thenCombine(executor, (live, pool) -> {
      Map<String, Object> checks = new LinkedHashMap<>();
      checks.put("ledger", Map.of("status", "ok", "last_seq", node.store().lastSeq()));
      checks.put("executor", Map.of("status", "ok", "workers", pool.workers(), "busy", pool.busy(),
          "queued", pool.queued()));
      checks.put("governors", Map.of("status", "ok", "live", live.governors()));
      checks.put("entitlements", Map.of("status", "ok"));
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
