package tai.autonomics.bench.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.CaseResult;

/** The HTML and markdown reports show calibration, anchors, notes and the comparison from the result files. */
class ReportsTest {
  @TempDir
  Path dir;

  private static ObjectNode queueCase() {
    ObjectNode c = CaseResult.MAPPER.createObjectNode();
    c.put("suite", "action_executor").put("case", "bench_queue_latency").put("status", "failed")
        .put("timestamp", "2026-12-02T08:00:00Z");
    c.putObject("parameters").put("actions_per_burst", 1000).put("workers", 30).put("pool", "10+20")
        .put("simulated_latency_ms", 5);
    c.putObject("metrics").put("drain_floor_ms", 1000 * 5 / 30.0).put("queue_wait_floor_p99_ms", 160)
        .put("queue_wait_p99_ms", 180.5).put("anchor_queue_wait_p99_ms", 165.0);
    c.putArray("targets").addObject().put("name", "queue wait p99 < 50 ms").put("metric", "queue_wait_p99_ms")
        .put("op", "<").put("limit", 50).put("actual", 180.5).put("met", false);
    c.putArray("anchors").addObject().put("name", "bare pool").put("metric", "queue_wait_p99_ms")
        .put("measured", 180.5).put("anchor", 165.0).put("ratio", 180.5 / 165.0);
    return c;
  }

  private static ObjectNode calibration(boolean bottleneck) {
    ObjectNode c = CaseResult.MAPPER.createObjectNode();
    c.put("suite", "http_endpoint").put("case", Calibration.CASE).put("status", "passed");
    c.putObject("metrics").put("client_rps_bare", 12000).put("health_p50_us_client", 900)
        .put("health_p50_us_wrk", 300).put("health_p50_vs_wrk_ratio", 3.0).put("client_bottleneck", bottleneck);
    return c;
  }

  @Test
  void markdownHasOneRowPerTargetWithItsAnchorRatioAndTheDrainArithmetic() {
    List<JsonNode> cases = List.of(queueCase());
    String md = MarkdownReport.render(cases, Summary.summary(cases, "quick", 10));
    assertTrue(md.contains("| bench_queue_latency | queue wait p99 < 50 ms | queue_wait_p99_ms = 181 | 1.09 (bare "
        + "pool, anchor 165) | **no** |"), md);
    assertTrue(md.contains("-Dtest=ActionExecutorBench#bench_queue_latency"), md);
    assertTrue(md.contains("need at least 166.7 ms to drain (1000 x 5 / 30)"), md);
    assertTrue(md.contains("profile | **quick**"), md);
    assertFalse(md.contains("../shared"), md);
  }

  @Test
  void aClientBottleneckIsSaidFirstInBothReports() throws IOException {
    List<JsonNode> cases = List.of(calibration(true), queueCase());
    JsonNode summary = Summary.summary(cases, "quick", 10);
    String md = MarkdownReport.render(cases, summary);
    assertTrue(md.indexOf("WARNING: the load client was the bottleneck") < md.indexOf("## action_executor"), md);
    assertTrue(md.contains("**3.00** (missed)"), md);
    String html = Files.readString(HtmlReport.write(dir.resolve("r.html"), cases, summary, null, Map.of()));
    assertTrue(html.indexOf("WARNING: the load client was the bottleneck") < html.indexOf("<h2>Cases</h2>"));
    assertFalse(MarkdownReport.render(List.of(calibration(false)), summary).contains("WARNING"));
  }

  @Test
  void htmlShowsAnchorsAndTheBaselineSideBySideWithRegressionsInRed() throws IOException {
    List<JsonNode> cases = List.of(queueCase());
    JsonNode summary = Summary.summary(cases, "quick", 10);
    ObjectNode baseline = summary.deepCopy();
    ((ObjectNode) baseline.path("cases").get(0)).put("p99_us", 100.0);
    ((ObjectNode) summary.path("cases").get(0)).put("p99_us", 200.0);
    String html = Files.readString(HtmlReport.write(dir.resolve("r.html"), cases, summary, baseline, Map.of()));
    assertTrue(html.contains("<h2>Baseline versus current</h2>"));
    assertTrue(html.contains("<tr class=\"regression\"><td>action_executor</td><td>bench_queue_latency</td>"
        + "<td>p99_us</td><td>100.0</td><td>200.0</td><td>+100.0 %</td><td>latency +10 %</td>"), html);
    assertTrue(html.contains("<b>1.09x</b>"));
  }
}
