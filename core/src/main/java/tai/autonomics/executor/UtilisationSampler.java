package tai.autonomics.executor;

/**
 * Turns the busy-time integral of {@link ExecutorMetrics} into the utilisation of the last window: busy
 * worker-time over the capacity's worker-time (max-workers, overflow included) since the previous sample.
 * A plain object used only on the pool actor's thread, sampled by its utilisation tick.
 */
final class UtilisationSampler {
  private final ExecutorMetrics metrics;
  private final int capacity;
  private long sampledAt = System.nanoTime();
  private long sampledBusy;

  UtilisationSampler(ExecutorMetrics metrics, int capacity) {
    this.metrics = metrics;
    this.capacity = capacity;
  }

  void sample(long now) {
    long busyNanos = metrics.busyNanos(now);
    double capacityNanos = (double) capacity * (now - sampledAt);
    metrics.utilisation(capacityNanos > 0 ? (busyNanos - sampledBusy) / capacityNanos : 0);
    sampledAt = now;
    sampledBusy = busyNanos;
  }
}
