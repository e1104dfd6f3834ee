package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** The report's parts beyond the case table: calibration at the top, anchors per case, baseline vs current. */
final class HtmlSections {
  private HtmlSections() {}

  /** The calibration ratios, with a loud warning when the client was the bottleneck (or was not calibrated). */
  static String calibration(List<JsonNode> cases) {
    Optional<Calibration.Figures> figures = Calibration.of(cases);
    StringBuilder html = new StringBuilder();
    if (figures.isEmpty()) {
      if (Calibration.hasHttpCases(cases)) {
        html.append("<p class=\"warning\">This run has HTTP cases but no <code>").append(Calibration.CASE)
            .append("</code>: nothing shows that their figures are the node's and not the load client's.</p>");
      }
      return html.toString();
    }
    Calibration.Figures f = figures.get();
    if (f.clientBottleneck()) {
      html.append("<p class=\"warning\">WARNING: the load client was the bottleneck in this run "
          + "(client_bottleneck = true). The HTTP and stress figures below measure the client, not the node.</p>");
    }
    html.append("<h2>Calibration of the load client</h2><table>");
    for (Calibration.Line line : f.lines()) {
      html.append("<tr><td>").append(esc(line.label())).append("</td><td class=\"")
          .append(line.poor() ? "missed" : "").append("\">").append(esc(line.value())).append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  /** Short text of a case's anchor ratios for the case table: "p99_us 2.04x raw RocksDB put". */
  static String anchorCell(JsonNode c) {
    StringBuilder out = new StringBuilder();
    for (JsonNode a : c.path("anchors")) {
      out.append(esc(a.path("metric").asText())).append(' ').append(ratio(a.path("ratio").asDouble()))
          .append("<br>");
    }
    return out.toString();
  }

  /** A case's anchors in full: what was compared with what, measured, anchor and the ratio. */
  static String anchors(JsonNode c) {
    if (c.path("anchors").isEmpty()) {
      return "";
    }
    StringBuilder html = new StringBuilder("<table><tr><th>anchor (same run)</th><th>metric</th><th>measured</th>")
        .append("<th>anchor</th><th>measured / anchor</th></tr>");
    for (JsonNode a : c.path("anchors")) {
      html.append("<tr><td>").append(esc(a.path("name").asText())).append("</td><td>")
          .append(esc(a.path("metric").asText())).append("</td><td>").append(num(a.path("measured").asDouble()))
          .append("</td><td>").append(num(a.path("anchor").asDouble())).append("</td><td><b>")
          .append(ratio(a.path("ratio").asDouble())).append("</b></td></tr>");
    }
    return html.append("</table>").toString();
  }

  /** Baseline and current side by side, every compared figure; regressions in red. */
  static String comparison(Comparison.Result result, JsonNode baseline, JsonNode current) {
    StringBuilder html = new StringBuilder("<h2>Baseline versus current</h2><p>baseline: ")
        .append(describe(baseline)).append("<br>current: ").append(describe(current)).append("</p>");
    List<Comparison.Row> regressions = result.regressions();
    html.append(regressions.isEmpty() ? "<p class=\"passed\">No regression.</p>"
        : "<p class=\"failed\">" + regressions.size() + " regression(s), in red below.</p>");
    html.append("<table><tr><th>suite</th><th>case</th><th>figure</th><th>baseline</th><th>current</th>")
        .append("<th>change</th><th>rule crossed</th></tr>");
    for (Comparison.Row row : result.rows()) {
      html.append("<tr class=\"").append(row.regression() ? "regression" : "").append("\"><td>")
          .append(esc(row.suite())).append("</td><td>").append(esc(row.name())).append("</td><td>")
          .append(esc(row.figure())).append("</td><td>").append(num(row.before())).append("</td><td>")
          .append(num(row.now())).append("</td><td>")
          .append(Double.isNaN(row.change()) ? "" : String.format("%+.1f %%", row.change() * 100))
          .append("</td><td>").append(esc(row.rule())).append("</td></tr>");
    }
    for (Comparison.Unmatched u : result.unmatched()) {
      html.append("<tr class=\"skipped\"><td>").append(esc(u.suite())).append("</td><td>").append(esc(u.name()))
          .append("</td><td colspan=5>only in the ").append(u.side()).append(" run</td></tr>");
    }
    return html.append("</table>").toString();
  }

  private static String describe(JsonNode summary) {
    JsonNode env = summary.path("environment");
    return esc(String.format("profile %s, commit %s, %s, %d cases (%d passed)", summary.path("profile").asText("?"),
        env.path("commit").asText("?"), env.path("jdk").asText("?"), summary.path("cases").size(),
        summary.path("passed").asLong()));
  }

  static String ratio(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format("%.2fx", ratio);
  }

  static String num(double value) {
    return String.format("%.4g", value);
  }

  static String esc(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
