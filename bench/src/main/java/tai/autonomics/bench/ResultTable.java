package tai.autonomics.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The closing table of a run: every case, its headline figures and each target with what was measured. */
final class ResultTable {
  private ResultTable() {}

  static void print(List<JsonNode> cases, Map<String, String> notRun, double wallSeconds) {
    System.out.println();
    System.out.printf("%-16s %-28s %-7s %9s %10s %10s %11s  %s%n", "suite", "case", "status", "count", "p50",
        "p99", "throughput", "targets (measured)");
    long passed = 0;
    for (JsonNode c : cases) {
      JsonNode l = c.path("latency_us");
      StringBuilder targets = new StringBuilder();
      for (JsonNode t : c.path("targets")) {
        targets.append(t.path("met").asBoolean() ? "ok " : "MISSED ").append(t.path("name").asText());
        if (!t.path("op").asText().equals("holds")) {
          targets.append(" (").append(CaseResult.fmt(t.path("actual").asDouble())).append(')');
        }
        targets.append("; ");
      }
      boolean ok = c.path("status").asText().equals("passed");
      passed += ok ? 1 : 0;
      System.out.printf("%-16s %-28s %-7s %9d %10s %10s %9.0f/s  %s%n", c.path("suite").asText(),
          c.path("case").asText(), ok ? "passed" : "FAILED", c.path("count").asLong(),
          latency(l.path("p50").asDouble()), latency(l.path("p99").asDouble()), c.path("throughput").asDouble(),
          targets);
      for (JsonNode a : c.path("anchors")) {
        System.out.printf("%-45s   %s: measured %s / anchor %s = %.2f (%s)%n", "", a.path("metric").asText(),
            CaseResult.fmt(a.path("measured").asDouble()), CaseResult.fmt(a.path("anchor").asDouble()),
            a.path("ratio").asDouble(), a.path("name").asText());
      }
    }
    notRun.forEach((name, why) -> System.out.printf("%-45s %-7s %s%n", name, "NOT RUN", why));
    System.out.printf("%n%d of %d cases met every target, %d not run; wall time %.0f s%n", passed, cases.size(),
        notRun.size(), wallSeconds);
  }

  private static String latency(double micros) {
    return micros >= 1000 ? String.format("%.1f ms", micros / 1000) : String.format("%.0f us", micros);
  }
}
