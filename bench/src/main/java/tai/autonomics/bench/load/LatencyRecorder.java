package tai.autonomics.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Thread-safe recording of one run: every latency (nanoseconds) in an HdrHistogram, successes and errors, and the
 * same split into fixed intervals of the wall clock, so throughput and latency can be shown over time. The interval
 * array is bounded: samples past its end fall into the last interval.
 */
public final class LatencyRecorder {
  private static final int MAX_INTERVALS = 4096;

  private final long startNanos;
  private final long intervalNanos;
  private final Histogram all = new ConcurrentHistogram(3);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReferenceArray<Interval> intervals = new AtomicReferenceArray<>(MAX_INTERVALS);

  /**
   * One interval of the wall clock: requests that completed in it and their latencies. Its histogram keeps 2
   * significant digits (1 % precision, enough for a chart over time; the whole run's keeps 3): with 3 each one took
   * about 300 KB, and a new one every second was most of the heap growth bench_memory_stability measured, which must
   * be the node's, not the harness's (this recorder lives in the same JVM).
   */
  public static final class Interval {
    final Histogram latencies = new ConcurrentHistogram(2);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
  }

  /** What one interval showed; {@code p99Nanos} is 0 when nothing succeeded in it. */
  public record IntervalStats(double startSeconds, long ok, long errors, double throughput, long p50Nanos,
      long p99Nanos) {}

  public LatencyRecorder(long startNanos, long intervalNanos) {
    this.startNanos = startNanos;
    this.intervalNanos = Math.max(1_000_000L, intervalNanos);
  }

  public long startNanos() {
    return startNanos;
  }

  public long intervalNanos() {
    return intervalNanos;
  }

  /** Records a request that completed at {@code endNanos}; only successes enter the latency histogram. */
  public void record(boolean success, long latencyNanos, long endNanos) {
    Interval interval = intervalAt(endNanos);
    if (success) {
      long value = Math.max(1, latencyNanos);
      all.recordValue(value);
      ok.incrementAndGet();
      interval.latencies.recordValue(value);
      interval.ok.incrementAndGet();
    } else {
      errors.incrementAndGet();
      interval.errors.incrementAndGet();
    }
  }

  private Interval intervalAt(long nanos) {
    int index = (int) Math.min(MAX_INTERVALS - 1, Math.max(0, (nanos - startNanos) / intervalNanos));
    Interval interval = intervals.get(index);
    if (interval == null) {
      intervals.compareAndSet(index, null, new Interval());
      interval = intervals.get(index);
    }
    return interval;
  }

  public Histogram histogram() {
    return all;
  }

  public long ok() {
    return ok.get();
  }

  public long errors() {
    return errors.get();
  }

  /** The intervals from the start up to {@code endNanos}, empty ones included so gaps show. */
  public List<IntervalStats> intervals(long endNanos) {
    int last = (int) Math.min(MAX_INTERVALS - 1, Math.max(0, (endNanos - startNanos - 1) / intervalNanos));
    double seconds = intervalNanos / 1e9;
    List<IntervalStats> out = new ArrayList<>(last + 1);
    for (int i = 0; i <= last; i++) {
      Interval interval = intervals.get(i);
      if (interval == null) {
        out.add(new IntervalStats(i * seconds, 0, 0, 0, 0, 0));
        continue;
      }
      long okCount = interval.ok.get();
      out.add(new IntervalStats(i * seconds, okCount, interval.errors.get(), okCount / seconds,
          okCount == 0 ? 0 : interval.latencies.getValueAtPercentile(50),
          okCount == 0 ? 0 : interval.latencies.getValueAtPercentile(99)));
    }
    return out;
  }
}
