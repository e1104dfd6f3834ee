package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two runs side by side (a baseline {@code summary.json} and the current one): per case present in both, each
 * figure before and now, its change, and whether that change crosses the seed's regression threshold (latency p99
 * +10 %, throughput -10 %, peak heap +20 %, error rate +2 points; p50 is shown, not judged). Cases found in only one
 * run are listed as such, not compared.
 */
public final class Comparison {
  static final double LATENCY = 0.10;
  static final double THROUGHPUT = 0.10;
  static final double MEMORY = 0.20;
  static final double ERROR_POINTS = 0.02;

  /** One figure of one case in both runs; {@code change} is relative (now / before - 1), NaN when before is 0. */
  public record Row(String suite, String name, String figure, double before, double now, double change,
      boolean regression, String rule) {}

  /** A case present in one run only: {@code side} is {@code baseline} or {@code current}. */
  public record Unmatched(String suite, String name, String side) {}

  /** Every row of the cases both runs have, in the current run's order, and the cases only one of them has. */
  public record Result(List<Row> rows, List<Unmatched> unmatched) {
    public List<Row> regressions() {
      return rows.stream().filter(Row::regression).toList();
    }
  }

  private Comparison() {}

  public static Result of(JsonNode baseline, JsonNode current) {
    Map<String, JsonNode> before = new LinkedHashMap<>();
    baseline.path("cases").forEach(c -> before.put(key(c), c));
    List<Row> rows = new ArrayList<>();
    List<Unmatched> unmatched = new ArrayList<>();
    for (JsonNode now : current.path("cases")) {
      JsonNode was = before.remove(key(now));
      String suite = now.path("suite").asText();
      String name = now.path("case").asText();
      if (was == null) {
        unmatched.add(new Unmatched(suite, name, "current"));
        continue;
      }
      rows.add(row(suite, name, "p50_us", was, now, null));
      rows.add(row(suite, name, "p99_us", was, now, (b, n) -> b > 0 && n > b * (1 + LATENCY) ? "latency +10 %" : null));
      rows.add(row(suite, name, "throughput", was, now,
          (b, n) -> b > 0 && n < b * (1 - THROUGHPUT) ? "throughput -10 %" : null));
      if (was.has("heap_peak_mb") || now.has("heap_peak_mb")) {
        rows.add(row(suite, name, "heap_peak_mb", was, now,
            (b, n) -> b > 0 && n > b * (1 + MEMORY) ? "memory +20 %" : null));
      }
      rows.add(row(suite, name, "error_rate", was, now,
          (b, n) -> n > b + ERROR_POINTS ? "error rate +2 points" : null));
    }
    before.values().forEach(c -> unmatched.add(new Unmatched(c.path("suite").asText(), c.path("case").asText(),
        "baseline")));
    return new Result(rows, unmatched);
  }

  private interface Rule {
    /** The rule's name when {@code now} regressed from {@code before}, else null. */
    String crossed(double before, double now);
  }

  private static Row row(String suite, String name, String figure, JsonNode was, JsonNode now, Rule rule) {
    double before = was.path(figure).asDouble();
    double current = now.path(figure).asDouble();
    String crossed = rule == null ? null : rule.crossed(before, current);
    double change = before == 0 ? Double.NaN : current / before - 1;
    return new Row(suite, name, figure, before, current, change, crossed != null, crossed == null ? "" : crossed);
  }

  private static String key(JsonNode c) {
    return c.path("suite").asText() + "." + c.path("case").asText();
  }
}
