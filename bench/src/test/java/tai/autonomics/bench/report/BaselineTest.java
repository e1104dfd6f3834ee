package tai.autonomics.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import tai.autonomics.bench.CaseResult;

/** The seed's regression thresholds: latency +10 %, throughput -10 %, memory +20 %, error rate +2 points. */
class BaselineTest {
  private static JsonNode summary(double p99, double throughput, double heap, double errorRate) {
    ObjectNode root = CaseResult.MAPPER.createObjectNode();
    ObjectNode c = root.putArray("cases").addObject();
    c.put("suite", "s").put("case", "c").put("p99_us", p99).put("throughput", throughput).put("heap_peak_mb", heap)
        .put("error_rate", errorRate);
    return root;
  }

  @Test
  void withinThresholdsIsNoRegression() {
    assertEquals(List.of(), Baseline.compare(summary(100, 1000, 100, 0.01), summary(109, 910, 119, 0.029)));
  }

  @Test
  void eachThresholdCrossedIsARegression() {
    List<Baseline.Regression> found = Baseline.compare(summary(100, 1000, 100, 0.01), summary(111, 890, 121, 0.031));
    assertEquals(List.of("p99_us", "throughput", "heap_peak_mb", "error_rate"),
        found.stream().map(Baseline.Regression::figure).toList());
    assertTrue(found.get(0).toString().contains("s.c"));
  }
}
