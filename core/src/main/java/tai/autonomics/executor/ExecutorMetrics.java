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
 * The executor's meters, in the node's registry (the HTTP node exposes it at /metrics):
 * <ul>
 *   <li>{@code autonomics.executor.workers} (state = busy | idle), {@code .capacity}, {@code .queue.depth}: gauges;
 *   <li>{@code autonomics.executor.busy}: worker-seconds spent busy, a counter whose rate divided by capacity is the
 *       utilisation over any window; {@code autonomics.executor.utilisation}: that ratio over the last
 *       utilisation-window, computed by the pool;
 *   <li>{@code autonomics.executor.queue.wait}: time from arrival to checkout, zero waits included;
 *   <li>{@code autonomics.executor.action.duration} (type): checkout to end, retries included;
 *   <li>{@code autonomics.executor.actions} (outcome = completed | failed | timeout | pool_timeout | overloaded |
 *       worker_failed), {@code .retries} (type), {@code .receipts.failed}.
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
        Gauge.builder("autonomics.executor.workers", this, m -> m.busy).tag("state", "busy").register(registry),
        Gauge.builder("autonomics.executor.workers", this, m -> m.workers - m.busy).tag("state", "idle")
            .register(registry),
        Gauge.builder("autonomics.executor.capacity", () -> capacity).register(registry),
        Gauge.builder("autonomics.executor.queue.depth", this, m -> m.queued).register(registry),
        Gauge.builder("autonomics.executor.utilisation", this, m -> m.utilisation).register(registry),
        FunctionCounter.builder("autonomics.executor.busy", this, m -> m.busyNanos(System.nanoTime()) / 1e9)
            .baseUnit("seconds").register(registry));
    this.queueWait = Timer.builder("autonomics.executor.queue.wait").publishPercentileHistogram().register(registry);
    this.receiptsFailed = Counter.builder("autonomics.executor.receipts.failed").register(registry);
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
      duration = durationByType.computeIfAbsent(type, t -> Timer.builder("autonomics.executor.action.duration")
          .tag("type", t).publishPercentileHistogram().register(registry));
    }
    duration.record(durationNanos, TimeUnit.NANOSECONDS);
    counted(outcome);
  }

  /** An action that ended without running (overloaded, pool_timeout) or whose worker failed. */
  void counted(String outcome) {
    Counter actions = actionsByOutcome.get(outcome);
    if (actions == null) {
      actions = actionsByOutcome.computeIfAbsent(outcome, o -> Counter.builder("autonomics.executor.actions")
          .tag("outcome", o).register(registry));
    }
    actions.increment();
  }

  void retried(String type) {
    Counter retries = retriesByType.get(type);
    if (retries == null) {
      retries = retriesByType.computeIfAbsent(type, t -> Counter.builder("autonomics.executor.retries")
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
