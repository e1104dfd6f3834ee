package tai.autonomics.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import tai.autonomics.bench.CaseResult;

/** Baseline and current side by side: every figure of the cases both have, regressions flagged, the rest listed. */
class ComparisonTest {
  private static ObjectNode run(ObjectNode... cases) {
    ObjectNode root = CaseResult.MAPPER.createObjectNode();
    ArrayNode list = root.putArray("cases");
    for (ObjectNode c : cases) {
      list.add(c);
    }
    return root;
  }

  private static ObjectNode caseOf(String name, double p50, double p99, double throughput, double errorRate) {
    ObjectNode c = CaseResult.MAPPER.createObjectNode();
    c.put("suite", "s").put("case", name).put("p50_us", p50).put("p99_us", p99).put("throughput", throughput)
        .put("error_rate", errorRate);
    return c;
  }

  @Test
  void everyFigureOfACaseInBothRunsIsARowWithItsChange() {
    Comparison.Result result = Comparison.of(run(caseOf("a", 10, 100, 1000, 0)), run(caseOf("a", 20, 105, 950, 0)));
    assertEquals(List.of("p50_us", "p99_us", "throughput", "error_rate"),
        result.rows().stream().map(Comparison.Row::figure).toList());
    Comparison.Row p99 = result.rows().get(1);
    assertEquals(100, p99.before());
    assertEquals(105, p99.now());
    assertEquals(0.05, p99.change(), 1e-9);
    assertEquals(List.of(), result.regressions(), "p50 doubled, but it is shown, not judged");
  }

  @Test
  void aRegressionIsFlaggedWithTheRuleItCrossed() {
    Comparison.Result result = Comparison.of(run(caseOf("a", 10, 100, 1000, 0)), run(caseOf("a", 10, 120, 800, 0)));
    assertEquals(List.of("latency +10 %", "throughput -10 %"),
        result.regressions().stream().map(Comparison.Row::rule).toList());
    assertTrue(result.rows().stream().filter(r -> !r.regression()).allMatch(r -> r.rule().isEmpty()));
  }

  @Test
  void heapIsComparedOnlyWhereACaseRecordsIt() {
    ObjectNode before = caseOf("a", 1, 1, 1, 0).put("heap_peak_mb", 100);
    ObjectNode now = caseOf("a", 1, 1, 1, 0).put("heap_peak_mb", 130);
    Comparison.Result result = Comparison.of(run(before, caseOf("b", 1, 1, 1, 0)), run(now, caseOf("b", 1, 1, 1, 0)));
    assertEquals(List.of("memory +20 %"), result.regressions().stream().map(Comparison.Row::rule).toList());
    assertFalse(result.rows().stream().anyMatch(r -> r.name().equals("b") && r.figure().equals("heap_peak_mb")));
  }

  @Test
  void casesInOneRunOnlyAreListedNotCompared() {
    Comparison.Result result = Comparison.of(run(caseOf("old", 1, 1, 1, 0), caseOf("both", 1, 1, 1, 0)),
        run(caseOf("both", 1, 1, 1, 0), caseOf("new", 1, 1, 1, 0)));
    assertTrue(result.rows().stream().allMatch(r -> r.name().equals("both")));
    assertEquals(List.of(new Comparison.Unmatched("s", "new", "current"), new Comparison.Unmatched("s", "old",
        "baseline")), result.unmatched());
  }

  @Test
  void aZeroBaselineHasNoRelativeChangeAndErrorsAreJudgedInPoints() {
    Comparison.Result result = Comparison.of(run(caseOf("a", 0, 0, 0, 0.0)), run(caseOf("a", 5, 5, 5, 0.03)));
    assertTrue(Double.isNaN(result.rows().get(0).change()));
    assertEquals(List.of("error_rate"), result.regressions().stream().map(Comparison.Row::figure).toList());
  }
}
