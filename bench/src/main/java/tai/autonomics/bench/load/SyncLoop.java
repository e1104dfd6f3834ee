package tai.autonomics.bench.load;

import java.time.Duration;
import java.util.function.LongPredicate;

/**
 * Sequential synchronous operations timed one by one on the calling thread: for microsecond-scale calls (a store
 * read, a seal and write) where the hand-offs of an asynchronous load would cost more than the call itself.
 * Bounded by count and by time.
 */
public final class SyncLoop {
  private SyncLoop() {}

  /** Runs {@code operation(i)} for i = 0 .. count-1 or until {@code maxDuration}; it returns true on success. */
  public static LoadResult run(String label, long count, Duration maxDuration, LongPredicate operation) {
    long start = System.nanoTime();
    long deadline = start + maxDuration.toNanos();
    LatencyRecorder recorder = new LatencyRecorder(start, ClosedLoad.Settings.defaultInterval(maxDuration).toNanos());
    long end = start;
    for (long i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      if (t0 >= deadline) {
        break;
      }
      boolean ok;
      try {
        ok = operation.test(i);
      } catch (RuntimeException e) {
        ok = false;
      }
      end = System.nanoTime();
      recorder.record(ok, end - t0, end);
    }
    return LoadResult.of(label, recorder, Math.max(end, start + 1));
  }
}
