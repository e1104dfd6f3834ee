package tai.autonomics.bench.load;

import java.time.Duration;

/**
 * Closed-load windows until the throughput is steady: two windows in a row within {@code tolerance} of each other,
 * or {@code max} spent. A fixed warm-up is not enough on a busy machine: there the JIT takes longer to compile the
 * client's and the server's paths, and the client's CPU per request fell from about 190 to 27 µs over four 5 s
 * rounds against the bare server (measured with bench_harness_calibration's load, 2 cores, load average 8).
 */
public final class WarmUp {
  private WarmUp() {}

  /** @return how many windows it ran */
  public static int untilSteady(Request request, int workers, Duration window, Duration max, double tolerance) {
    long deadline = System.nanoTime() + max.toNanos();
    double previous = -1;
    int windows = 0;
    while (System.nanoTime() < deadline) {
      double throughput = ClosedLoad.run(ClosedLoad.Settings.of("warm-up", workers, window), request).throughput();
      windows++;
      if (previous > 0 && Math.abs(throughput - previous) <= tolerance * Math.max(throughput, previous)) {
        return windows;
      }
      previous = throughput;
    }
    return windows;
  }
}
