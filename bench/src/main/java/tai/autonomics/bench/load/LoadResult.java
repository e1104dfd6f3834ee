package tai.autonomics.bench.load;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one load run. Throughput is successes over the wall-clock window of the run (first send to last
 * answer), never a sum of latencies. Latencies are nanoseconds.
 */
public record LoadResult(
    String label,
    Histogram latencies,
    long ok,
    long errors,
    long wallNanos,
    List<LatencyRecorder.IntervalStats> intervals) {

  public long total() {
    return ok + errors;
  }

  public double errorRate() {
    return total() == 0 ? 0 : (double) errors / total();
  }

  public double successRate() {
    return total() == 0 ? 0 : (double) ok / total();
  }

  public double throughput() {
    return wallNanos <= 0 ? 0 : ok / (wallNanos / 1e9);
  }

  public double wallSeconds() {
    return wallNanos / 1e9;
  }

  /** Percentile {@code p} (0..100) in nanoseconds; 0 when nothing succeeded. */
  public long percentileNanos(double p) {
    return ok == 0 ? 0 : latencies.getValueAtPercentile(p);
  }

  public double percentileMillis(double p) {
    return percentileNanos(p) / 1e6;
  }

  public double percentileMicros(double p) {
    return percentileNanos(p) / 1e3;
  }

  public static LoadResult of(String label, LatencyRecorder recorder, long endNanos) {
    return new LoadResult(label, recorder.histogram(), recorder.ok(), recorder.errors(),
        endNanos - recorder.startNanos(), recorder.intervals(endNanos));
  }
}
