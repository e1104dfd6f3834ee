package tai.autonomics.bench.load;

import java.time.Duration;

/**
 * Progress lines of long load runs ("[label] 12 s of 60 s: 4500 ok, 0 errors"), printed when the system property
 * {@code bench.progress} is true (the runner sets it with --verbose, and for runs longer than a few seconds).
 */
public final class Progress {
  static final long PERIOD_MILLIS = 5000;

  private Progress() {}

  static boolean enabled() {
    return Boolean.getBoolean("bench.progress");
  }

  static void report(String label, long elapsedNanos, Duration planned, LatencyRecorder recorder) {
    if (enabled()) {
      System.out.printf("      [%s] %.0f s of %d s: %d ok, %d errors%n", label, elapsedNanos / 1e9,
          planned.toSeconds(), recorder.ok(), recorder.errors());
    }
  }
}
