package tai.autonomics.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;

/**
 * The metrics the HTTP edge records (Prometheus names in brackets): signals received
 * ({@code tai_signals_received_total}), refusals by reason ({@code tai_refusals_total}), actions started by type
 * ({@code tai_actions_started_total}), decision latency from request to durable receipt
 * ({@code tai_decision_latency_seconds}, histogram), entitlement events by outcome, HTTP requests by route, method
 * and status ({@code tai_http_server_requests_seconds}), dead letters by reason ({@code tai_dead_letters_total}) and
 * the ledger's size. A tenant label is added only when {@code autonomics.http.metrics.tenant-label} is on: one series
 * per tenant does not scale to many tenants.
 */
public final class EdgeMetrics {
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(5)};

  private final MeterRegistry registry;
  private final boolean tenantLabel;
  private final Timer decisionLatencyAllTenants;
  private final Counter signalsAllTenants;
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> httpTimers =
      new java.util.concurrent.ConcurrentHashMap<>();

  public EdgeMetrics(MeterRegistry registry, boolean tenantLabel, ReceiptStore store) {
    this.registry = registry;
    this.tenantLabel = tenantLabel;
    this.decisionLatencyAllTenants = decisionTimer(Tags.empty());
    this.signalsAllTenants = signalsCounter(Tags.empty());
    Gauge.builder("tai.ledger.last.seq", store, ReceiptStore::lastSeq)
        .description("highest receipt seq written").register(registry);
    Gauge.builder("tai.ledger.receipts", store, s -> s.stats().count())
        .description("receipts in the ledger").register(registry);
    Gauge.builder("tai.ledger.bytes", store, s -> s.stats().bytesOnDisk())
        .description("bytes the ledger takes on disk").baseUnit("bytes").register(registry);
  }

  public void signalReceived(String tenantId) {
    if (tenantLabel) {
      signalsCounter(Tags.of("tenant", tenantId)).increment();
    } else {
      signalsAllTenants.increment();
    }
  }

  /** A signal's receipt came back {@code nanos} after the request reached the edge. */
  public void decided(Receipt receipt, long nanos) {
    Tags tenant = tenantLabel ? Tags.of("tenant", receipt.tenantId()) : Tags.empty();
    (tenantLabel ? decisionTimer(tenant) : decisionLatencyAllTenants).record(nanos, TimeUnit.NANOSECONDS);
    if (receipt.type() == ReceiptType.REFUSAL) {
      refused(receipt.reason(), tenant);
    }
    if (receipt.actionId() != null && receipt.actionType() != null) {
      registry.counter("tai.actions.started", tenant.and("action_type", receipt.actionType())).increment();
    }
  }

  /** A request the edge refused (400, 401, 413, 503), by its stable reason. */
  public void refusedAtEdge(String reason) {
    refused(reason, Tags.empty());
  }

  /** A push acknowledged as a dead letter ({@code tai_dead_letters_total}), by its stable reason. */
  public void deadLettered(String reason) {
    registry.counter("tai.dead.letters", "reason", reason).increment();
  }

  public void entitlementEvent(String outcome) {
    registry.counter("tai.entitlement.events", "outcome", outcome).increment();
  }

  public void httpRequest(String route, String method, int status, long nanos) {
    // routes, methods and statuses are few: the timers are kept, not looked up in the registry per request
    httpTimers.computeIfAbsent(route + ' ' + method + ' ' + status, key -> Timer.builder("tai.http.server.requests")
        .tags("route", route, "method", method, "status", Integer.toString(status))
        .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private void refused(String reason, Tags tenant) {
    // "action_failed: <why>" and the like: the label is the stable part before the colon
    String label = reason == null ? "unknown" : reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
    registry.counter("tai.refusals", tenant.and("reason", label)).increment();
  }

  private Counter signalsCounter(Tags tags) {
    return Counter.builder("tai.signals.received").tags(tags).description("signals received on /pubsub")
        .register(registry);
  }

  private Timer decisionTimer(Tags tags) {
    return Timer.builder("tai.decision.latency").tags(tags)
        .description("from a signal's arrival to its durable receipt")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }
}
