package tai.autonomics.executor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The executor's meters, in the node's registry (the HTTP node exposes it at /metrics; Prometheus names):
 * <ul>
 *   <li>{@code tai_executor_workers} (state = busy | idle), {@code tai_executor_capacity},
 *       {@code tai_executor_queue_depth}: gauges;
 *   <li>{@code tai_executor_busy_seconds_total}: worker-seconds spent busy, whose rate divided by capacity is the
 *       utilisation over any window; {@code tai_executor_utilisation_ratio}: that ratio over the last
 *       utilisation-window, computed by the pool;
 *   <li>{@code tai_executor_queue_wait_seconds}: time from arrival to checkout, zero waits included;
 *   <li>{@code tai_executor_action_duration_seconds} (type): checkout to end, retries included;
 *   <li>{@code tai_executor_actions_total} (outcome = completed | failed | timeout | pool_timeout | overloaded |
 *       worker_failed), {@code tai_executor_retries_total} (type), {@code tai_executor_receipts_failed_total}.
 * </ul>
 * The pool actor writes the gauges' sources; Micrometer reads them from its own thread, hence the volatile fields and
 * the lock around the busy-time integral.
 */
final class ExecutorMetrics {
  private final MeterRegistry registry;
  // meters that read this instance: removed when the pool stops, so a restarted pool registers its own
  private final List<Meter> bound;
  private final Timer queueWait;
  private final Counter receiptsFailed;
  private final Map<String, Timer> durationByType = new ConcurrentHashMap<>();
  private final Map<String, Counter> retriesByType = new ConcurrentHashMap<>();
  private final Map<String, Counter> actionsByOutcome = new ConcurrentHashMap<>();
  private volatile int workers;
  private volatile int busy;
  private volatile int queued;
  private volatile double utilisation;
  // integral of busy workers over time, in worker-nanoseconds, up to lastChange
  private long busyIntegral;
  private long lastChange = System.nanoTime();

  ExecutorMetrics(MeterRegistry registry, int capacity) {
    this.registry = registry;
    this.bound = List.of(
        Gauge.builder("tai.executor.workers", this, m -> m.busy).tag("state", "busy").register(registry),
        Gauge.builder("tai.executor.workers", this, m -> m.workers - m.busy).tag("state", "idle")
            .register(registry),
        Gauge.builder("tai.executor.capacity", () -> capacity).register(registry),
        Gauge.builder("tai.executor.queue.depth", this, m -> m.queued).register(registry),
        Gauge.builder("tai.executor.utilisation.ratio", this, m -> m.utilisation).register(registry),
        FunctionCounter.builder("tai.executor.busy", this, m -> m.busyNanos(System.nanoTime()) / 1e9)
            .baseUnit("seconds").register(registry));
    this.queueWait = Timer.builder("tai.executor.queue.wait").publishPercentileHistogram().register(registry);
    this.receiptsFailed = Counter.builder("tai.executor.receipts.failed").register(registry);
  }

  /** Called by the pool whenever the number of workers, busy workers or waiting actions changes. */
  void poolChanged(long now, int newWorkers, int newBusy, int newQueued) {
    synchronized (this) {
      busyIntegral += (long) busy * (now - lastChange);
      lastChange = now;
      busy = newBusy;
    }
    workers = newWorkers;
    queued = newQueued;
  }

  synchronized long busyNanos(long now) {
    return busyIntegral + (long) busy * (now - lastChange);
  }

  void utilisation(double value) {
    utilisation = value;
  }

  void queueWait(long nanos) {
    queueWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  // each meter is looked up first: computeIfAbsent alone would allocate its capturing lambda on every action

  void actionEnded(String type, String outcome, long durationNanos) {
    Timer duration = durationByType.get(type);
    if (duration == null) {
      duration = durationByType.computeIfAbsent(type, t -> Timer.builder("tai.executor.action.duration")
          .tag("type", t).publishPercentileHistogram().register(registry));
    }
    duration.record(durationNanos, TimeUnit.NANOSECONDS);
    counted(outcome);
  }

  /** An action that ended without running (overloaded, pool_timeout) or whose worker failed. */
  void counted(String outcome) {
    Counter actions = actionsByOutcome.get(outcome);
    if (actions == null) {
      actions = actionsByOutcome.computeIfAbsent(outcome, o -> Counter.builder("tai.executor.actions")
          .tag("outcome", o).register(registry));
    }
    actions.increment();
  }

  void retried(String type) {
    Counter retries = retriesByType.get(type);
    if (retries == null) {
      retries = retriesByType.computeIfAbsent(type, t -> Counter.builder("tai.executor.retries")
          .tag("type", t).register(registry));
    }
    retries.increment();
  }

  void close() {
    bound.forEach(registry::remove);
  }

  void receiptFailed() {
    receiptsFailed.increment();
  }
}
