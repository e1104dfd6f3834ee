package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import tai.autonomics.bench.CaseResult;

/**
 * Compares a run with a stored baseline (an earlier {@code summary.json}) using the seed's regression thresholds:
 * latency (p99) up more than 10 %, throughput down more than 10 %, peak heap up more than 20 %, error rate up more
 * than 2 points, as {@link Comparison} judges them. Cases missing on either side are not compared.
 */
public final class Baseline {
  /** One regression: which case, which figure, before and now. */
  public record Regression(String suite, String name, String figure, double before, double now, String rule) {
    @Override
    public String toString() {
      return String.format("%s.%s: %s %.4g -> %.4g (%s)", suite, name, figure, before, now, rule);
    }
  }

  private Baseline() {}

  public static JsonNode load(Path file) {
    try {
      return CaseResult.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the baseline " + file, e);
    }
  }

  public static List<Regression> compare(JsonNode baseline, JsonNode current) {
    return Comparison.of(baseline, current).regressions().stream()
        .map(r -> new Regression(r.suite(), r.name(), r.figure(), r.before(), r.now(), r.rule())).toList();
  }
}
