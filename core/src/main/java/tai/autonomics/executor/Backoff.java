package tai.autonomics.executor;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The wait before a worker retries an action. A pure function of the settings (and a random jitter). */
final class Backoff {

  private Backoff() {}

  /** Before attempt n+1: backoff-min * 2^(n-1), capped at backoff-max, moved by up to +-jitter of itself. */
  static Duration after(ExecutorSettings settings, int attemptsMade) {
    double base = Math.min(settings.backoffMax().toNanos(),
        settings.backoffMin().toNanos() * Math.pow(2, attemptsMade - 1));
    double jitter = settings.backoffJitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofNanos(Math.max(0, Math.round(base * (1 + jitter))));
  }
}
