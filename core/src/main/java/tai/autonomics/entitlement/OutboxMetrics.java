package tai.autonomics.entitlement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * The outbox's meters (Prometheus names): {@code tai_procurement_outbox_calls} (state = pending | held | stuck), a
 * gauge of the jobs waiting (held counts those waiting for an operator or an account; stuck, the pending ones that
 * failed a round or waited longer than {@code stuck-after}); {@code tai_procurement_outbox_oldest_call_age_seconds};
 * {@code tai_procurement_calls_total} (call, outcome = ok | failed | exhausted). The outbox hands over a snapshot of
 * its jobs at each change, and the gauges count it when scraped, so a call that becomes stuck by waiting shows
 * without a change. A restarted outbox registers its own gauges, and the one it replaces removes only its own.
 */
final class OutboxMetrics {
  private final MeterRegistry registry;
  private final long stuckAfterMillis;
  private final List<Meter> bound = new CopyOnWriteArrayList<>();
  private final Map<String, Counter> calls = new ConcurrentHashMap<>();
  private volatile List<OutboxJob> jobs = List.of();

  OutboxMetrics(MeterRegistry registry, long stuckAfterMillis) {
    this.registry = registry;
    this.stuckAfterMillis = stuckAfterMillis;
    registry.find("tai_procurement_outbox_calls").meters().forEach(registry::remove);
    registry.find("tai_procurement_outbox_oldest_call_age_seconds").meters().forEach(registry::remove);
    gauge("pending", "Procurement calls decided and not yet made", s -> count(s, false));
    gauge("held", "approvals waiting for an operator or an account", s -> s.stream().filter(OutboxMetrics::held)
        .count());
    gauge("stuck", "pending calls that failed a round or waited longer than stuck-after", s -> count(s, true));
    bound.add(Gauge.builder("tai_procurement_outbox_oldest_call_age_seconds", this, m -> m.oldestSeconds())
        .description("age of the oldest pending call").register(registry));
  }

  private void gauge(String state, String description, ToDoubleFunction<List<OutboxJob>> value) {
    bound.add(Gauge.builder("tai_procurement_outbox_calls", this, m -> value.applyAsDouble(m.jobs))
        .tag("state", state).description(description).register(registry));
  }

  void update(Collection<OutboxJob> current) {
    jobs = List.copyOf(current);
  }

  private double count(List<OutboxJob> snapshot, boolean stuckOnly) {
    long now = System.currentTimeMillis();
    return snapshot.stream().filter(j -> pending(j) && (!stuckOnly || j.stuck(now, stuckAfterMillis))).count();
  }

  private double oldestSeconds() {
    long now = System.currentTimeMillis();
    return jobs.stream().filter(OutboxMetrics::pending).mapToLong(OutboxJob::since).min()
        .stream().mapToDouble(since -> (now - since) / 1000.0).findFirst().orElse(0);
  }

  private static boolean held(OutboxJob job) {
    return job.step() == OutboxJob.Step.HELD || job.step() == OutboxJob.Step.AWAITING_ACCOUNT;
  }

  private static boolean pending(OutboxJob job) {
    return job.step() == OutboxJob.Step.DECIDE || job.step() == OutboxJob.Step.CALL;
  }

  void call(String call, String outcome) {
    calls.computeIfAbsent(call + "/" + outcome, k -> {
      Counter counter = Counter.builder("tai_procurement_calls_total").tag("call", call).tag("outcome", outcome)
          .description("Partner Procurement API calls made by the outbox, retries within a call included")
          .register(registry);
      bound.add(counter);
      return counter;
    }).increment();
  }

  /** The outbox stopped: its own meters go (not those a successor registered under the same names). */
  void close() {
    bound.forEach(meter -> {
      if (registry.getMeters().stream().anyMatch(m -> m == meter)) {
        registry.remove(meter);
      }
    });
  }
}
