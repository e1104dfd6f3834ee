package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tai.autonomics.bench.CaseResult;

/**
 * Compares a run with a stored baseline (an earlier {@code summary.json}) using the seed's regression thresholds:
 * latency (p99) up more than 10 %, throughput down more than 10 %, peak heap up more than 20 %, error rate up more
 * than 2 points. Cases missing on either side are not compared.
 */
public final class Baseline {
  static final double LATENCY = 0.10;
  static final double THROUGHPUT = 0.10;
  static final double MEMORY = 0.20;
  static final double ERROR_POINTS = 0.02;

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
    Map<String, JsonNode> before = new HashMap<>();
    baseline.path("cases").forEach(c -> before.put(key(c), c));
    List<Regression> found = new ArrayList<>();
    for (JsonNode now : current.path("cases")) {
      JsonNode was = before.get(key(now));
      if (was == null) {
        continue;
      }
      String suite = now.path("suite").asText();
      String name = now.path("case").asText();
      double p99Before = was.path("p99_us").asDouble();
      double p99Now = now.path("p99_us").asDouble();
      if (p99Before > 0 && p99Now > p99Before * (1 + LATENCY)) {
        found.add(new Regression(suite, name, "p99_us", p99Before, p99Now, "latency +10 %"));
      }
      double tputBefore = was.path("throughput").asDouble();
      double tputNow = now.path("throughput").asDouble();
      if (tputBefore > 0 && tputNow < tputBefore * (1 - THROUGHPUT)) {
        found.add(new Regression(suite, name, "throughput", tputBefore, tputNow, "throughput -10 %"));
      }
      double heapBefore = was.path("heap_peak_mb").asDouble();
      double heapNow = now.path("heap_peak_mb").asDouble();
      if (heapBefore > 0 && heapNow > heapBefore * (1 + MEMORY)) {
        found.add(new Regression(suite, name, "heap_peak_mb", heapBefore, heapNow, "memory +20 %"));
      }
      double errBefore = was.path("error_rate").asDouble();
      double errNow = now.path("error_rate").asDouble();
      if (errNow > errBefore + ERROR_POINTS) {
        found.add(new Regression(suite, name, "error_rate", errBefore, errNow, "error rate +2 points"));
      }
    }
    return found;
  }

  private static String key(JsonNode c) {
    return c.path("suite").asText() + "." + c.path("case").asText();
  }
}
