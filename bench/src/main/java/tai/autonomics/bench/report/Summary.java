package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import tai.autonomics.bench.CaseResult;

/**
 * The results of one run: every case's JSON file read back, and the short form of each kept in
 * {@code summary.json} (the file a later run compares itself with as its baseline).
 */
public final class Summary {
  private Summary() {}

  /** Suites in the order the runner runs them. */
  public static final List<String> SUITE_ORDER =
      List.of("http_endpoint", "governor_perf", "receipt_ledger", "action_executor", "system_stress");

  public static List<JsonNode> readCases(Path dir) {
    List<JsonNode> cases = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return cases;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().contains("__")
          && f.toString().endsWith(".json")).toList()) {
        cases.add(CaseResult.MAPPER.readTree(file.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the results in " + dir, e);
    }
    cases.sort(Comparator.comparing((JsonNode c) -> SUITE_ORDER.indexOf(c.path("suite").asText()))
        .thenComparing(c -> c.path("case").asText()));
    return cases;
  }

  /** The short form of a case: what the table, the report and a baseline comparison need. */
  public static ObjectNode brief(JsonNode c) {
    ObjectNode out = CaseResult.MAPPER.createObjectNode();
    out.put("suite", c.path("suite").asText());
    out.put("case", c.path("case").asText());
    out.put("status", c.path("status").asText());
    out.put("count", c.path("count").asLong());
    out.put("errors", c.path("errors").asLong());
    out.put("error_rate", c.path("error_rate").asDouble());
    out.put("throughput", c.path("throughput").asDouble());
    JsonNode latency = c.path("latency_us");
    for (String p : List.of("p50", "p95", "p99", "p999", "max")) {
      out.put(p + "_us", latency.path(p).asDouble());
    }
    JsonNode resources = c.path("resources");
    if (resources.isObject()) {
      out.put("heap_peak_mb", resources.path("heap_peak_mb").asDouble());
      out.put("heap_growth_mb_per_s", resources.path("heap_growth_mb_per_s").asDouble());
      out.put("gc_count", resources.path("gc_count").asLong());
      out.put("cpu_average", resources.path("cpu_average").asDouble());
    }
    out.set("targets", c.path("targets"));
    out.set("anchors", c.path("anchors"));
    return out;
  }

  public static ObjectNode summary(List<JsonNode> cases, String profile, double wallSeconds) {
    ObjectNode out = CaseResult.MAPPER.createObjectNode();
    out.put("profile", profile);
    out.put("wall_s", wallSeconds);
    out.put("passed", cases.stream().filter(c -> c.path("status").asText().equals("passed")).count());
    out.put("failed", cases.stream().filter(c -> !c.path("status").asText().equals("passed")).count());
    if (!cases.isEmpty()) {
      out.set("environment", cases.get(0).path("environment"));
    }
    ArrayNode list = out.putArray("cases");
    cases.forEach(c -> list.add(brief(c)));
    return out;
  }
}
