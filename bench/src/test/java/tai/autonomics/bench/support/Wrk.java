package tai.autonomics.bench.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk (the C load generator, from Debian's package), the yardstick the suites' own client is calibrated against:
 * {@code wrk -t2 -c<connections> -d<seconds>s --latency <url>}, its req/s and median read from its report.
 */
public final class Wrk {
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern MEDIAN = Pattern.compile("\\n\\s*50%\\s+([0-9.]+)(us|ms|s)\\b");

  /** What one wrk run measured. */
  public record Result(double requestsPerSecond, double p50Micros, String report) {}

  private Wrk() {}

  /** wrk's path when it is on the PATH. */
  public static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static Result run(Path wrk, String url, int connections, Duration duration) {
    long seconds = Math.max(1, duration.toSeconds());
    ProcessBuilder builder = new ProcessBuilder(wrk.toString(), "-t2", "-c" + connections, "-d" + seconds + "s",
        "--latency", url).redirectErrorStream(true);
    try {
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(seconds + 30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("wrk did not end");
      }
      return parse(new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + wrk, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while wrk ran", e);
    }
  }

  static Result parse(String report) {
    Matcher rate = RATE.matcher(report);
    Matcher median = MEDIAN.matcher(report);
    if (!rate.find() || !median.find()) {
      throw new IllegalStateException("unexpected wrk report:\n" + report);
    }
    double value = Double.parseDouble(median.group(1));
    double micros = switch (median.group(2)) {
      case "us" -> value;
      case "ms" -> value * 1e3;
      default -> value * 1e6;
    };
    return new Result(Double.parseDouble(rate.group(1)), micros, report);
  }
}
