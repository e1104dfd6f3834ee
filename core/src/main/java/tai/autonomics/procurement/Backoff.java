package tai.autonomics.procurement;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter between attempts: {@code min * 2^(attempt-1)}, capped at {@code max}, of which a
 * random half to all is waited, so that many callers stopped by the same outage do not come back in step. A
 * {@code Retry-After} from Google (seconds) raises the wait, within {@code max}.
 */
record Backoff(Duration min, Duration max, DoubleSupplier random) {

  /** The wait in milliseconds after the failed attempt number {@code attempt} (1 is the first). */
  long delayMillis(int attempt, long retryAfterMillis) {
    long cap = max.toMillis();
    long base = min.toMillis() << Math.min(attempt - 1, 30);
    long ceiling = Math.min(cap, base <= 0 ? cap : base);
    long jittered = (long) (ceiling * (0.5 + 0.5 * random.getAsDouble()));
    return Math.min(cap, Math.max(jittered, retryAfterMillis));
  }
}
