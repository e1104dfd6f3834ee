package tai.autonomics.entitlement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The outbox's meters (Prometheus names): {@code tai_procurement_outbox_calls} (state = pending | held | stuck), a
 * gauge of the jobs waiting (held counts those waiting for an operator or an account; stuck, the pending ones that
 * failed a round or waited longer than {@code stuck-after}); {@code tai_procurement_outbox_oldest_call_age_seconds};
 * {@code tai_procurement_calls_total} (call, outcome = ok | failed | exhausted). The outbox writes the sources, the
 * registry reads them from its own thread, hence volatile.
 */
final class OutboxMetrics {
  private final MeterRegistry registry;
  private final List<Meter> bound = new CopyOnWriteArrayList<>();
  private final Map<String, Counter> calls = new ConcurrentHashMap<>();
  private volatile int pending;
  private volatile int held;
  private volatile int stuck;
  private volatile double oldestSeconds;

  OutboxMetrics(MeterRegistry registry) {
    this.registry = registry;
    bound.add(Gauge.builder("tai_procurement_outbox_calls", () -> pending).tag("state", "pending")
        .description("Procurement calls decided and not yet made").register(registry));
    bound.add(Gauge.builder("tai_procurement_outbox_calls", () -> held).tag("state", "held")
        .description("approvals waiting for an operator or an account").register(registry));
    bound.add(Gauge.builder("tai_procurement_outbox_calls", () -> stuck).tag("state", "stuck")
        .description("pending calls that failed a round or waited longer than stuck-after").register(registry));
    bound.add(Gauge.builder("tai_procurement_outbox_oldest_call_age_seconds", () -> oldestSeconds)
        .description("age of the oldest pending call").register(registry));
  }

  void update(Collection<OutboxJob> jobs, long now, long stuckAfterMillis) {
    int p = 0;
    int h = 0;
    int s = 0;
    long oldest = now;
    for (OutboxJob job : jobs) {
      if (job.step() == OutboxJob.Step.HELD || job.step() == OutboxJob.Step.AWAITING_ACCOUNT) {
        h++;
      } else if (job.step() != OutboxJob.Step.DONE) {
        p++;
        oldest = Math.min(oldest, job.since());
        s += job.stuck(now, stuckAfterMillis) ? 1 : 0;
      }
    }
    pending = p;
    held = h;
    stuck = s;
    oldestSeconds = (now - oldest) / 1000.0;
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

  /** The outbox stopped: its meters go, so the next one registers its own. */
  void close() {
    bound.forEach(registry::remove);
  }
}
