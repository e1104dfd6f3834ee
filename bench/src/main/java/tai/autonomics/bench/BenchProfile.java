package tai.autonomics.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * How big a run is: {@code full} uses the seed's durations and counts, {@code quick} scales them down so the 30
 * cases finish in a few minutes on two cores (CI runs it inside {@code mvn verify}). Targets are the same in both.
 * Chosen by the system property {@code bench.profile}; quick by default.
 */
public enum BenchProfile {
  QUICK,
  FULL;

  public static BenchProfile current() {
    String name = System.getProperty("bench.profile", "quick").trim().toUpperCase(Locale.ROOT);
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bench.profile must be quick or full, not " + name.toLowerCase(Locale.ROOT));
    }
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public int pick(int full, int quick) {
    return this == FULL ? full : quick;
  }

  public long pick(long full, long quick) {
    return this == FULL ? full : quick;
  }

  public Duration pick(Duration full, Duration quick) {
    return this == FULL ? full : quick;
  }
}
