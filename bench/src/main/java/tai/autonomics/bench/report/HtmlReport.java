package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page per run: the environment, the load client's calibration (with a warning when it
 * was the bottleneck), a table of every case against its targets and anchors, the baseline and this run side by
 * side when a baseline was given (regressions in red), and per case its anchors and charts (PNG embedded as data
 * URIs, so the file can be mailed or archived alone).
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** Writes the page; {@code baseline} (an earlier summary.json) may be null, then no comparison is shown. */
  public static Path write(Path file, List<JsonNode> cases, JsonNode summary, JsonNode baseline,
      Map<String, String> notRun) {
    StringBuilder html = new StringBuilder(1 << 20);
    html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>TAI Autonomics benchmarks</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}")
        .append(".passed{color:#070}.failed,.missed{color:#b00}.skipped{color:#888}img{margin:4px}")
        .append(".regression td{color:#b00;font-weight:bold}")
        .append(".warning{border:3px solid #b00;color:#b00;font-weight:bold;padding:8px;font-size:16px}")
        .append("</style></head><body><h1>TAI Autonomics benchmarks</h1>");
    JsonNode env = summary.path("environment");
    html.append("<p>Profile <b>").append(esc(summary.path("profile").asText())).append("</b>, wall time ")
        .append(String.format("%.0f", summary.path("wall_s").asDouble())).append(" s, ")
        .append(summary.path("passed").asLong()).append(" passed, ").append(summary.path("failed").asLong())
        .append(" failed, ").append(notRun.size()).append(" not run.<br>")
        .append(esc(env.path("jdk").asText())).append(", ").append(env.path("cores").asInt())
        .append(" cores, max heap ")
        .append(env.path("max_heap_mb").asLong()).append(" MB, GC ").append(esc(env.path("gc").asText()))
        .append(", ").append(esc(env.path("os").asText())).append(", commit <code>")
        .append(esc(env.path("commit").asText())).append("</code>, load average at start ")
        .append(String.format("%.1f", env.path("load_average").asDouble())).append("</p>");
    html.append(HtmlSections.calibration(cases));
    if (baseline != null) {
      html.append(HtmlSections.comparison(Comparison.of(baseline, summary), baseline, summary));
    }
    html.append("<h2>Cases</h2><table><tr><th>suite</th><th>case</th><th>status</th><th>count</th>")
        .append("<th>p50 / p99 / max</th><th>throughput</th><th>errors</th><th>targets</th>")
        .append("<th>measured / anchor</th></tr>");
    for (JsonNode c : cases) {
      JsonNode l = c.path("latency_us");
      html.append("<tr><td>").append(esc(c.path("suite").asText())).append("</td><td><a href=\"#")
          .append(anchor(c)).append("\">").append(esc(c.path("case").asText())).append("</a></td><td class=\"")
          .append(esc(c.path("status").asText())).append("\">").append(esc(c.path("status").asText()))
          .append("</td><td>").append(c.path("count").asLong()).append("</td><td>")
          .append(us(l.path("p50").asDouble())).append(" / ").append(us(l.path("p99").asDouble())).append(" / ")
          .append(us(l.path("max").asDouble())).append("</td><td>")
          .append(String.format("%.1f/s", c.path("throughput").asDouble())).append("</td><td>")
          .append(c.path("errors").asLong()).append("</td><td>").append(targets(c)).append("</td><td>")
          .append(HtmlSections.anchorCell(c)).append("</td></tr>");
    }
    notRun.forEach((name, why) -> html.append("<tr><td colspan=2>").append(esc(name))
        .append("</td><td class=\"skipped\">not run</td><td colspan=6>").append(esc(why)).append("</td></tr>"));
    html.append("</table>");
    for (JsonNode c : cases) {
      html.append("<h3 id=\"").append(anchor(c)).append("\">").append(esc(c.path("suite").asText())).append(" / ")
          .append(esc(c.path("case").asText())).append("</h3><p><small>parameters: ")
          .append(esc(c.path("parameters").toString())).append("<br>metrics: ")
          .append(esc(c.path("metrics").toString())).append("</small></p>").append(HtmlSections.anchors(c));
      for (String chart : new String[] {Charts.percentiles(c), Charts.throughput(c), Charts.latencyOverTime(c),
          Charts.heap(c)}) {
        if (chart != null) {
          html.append("<img alt=\"chart\" src=\"").append(chart).append("\">");
        }
      }
    }
    html.append("</body></html>");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private static String targets(JsonNode c) {
    StringBuilder out = new StringBuilder();
    for (JsonNode t : c.path("targets")) {
      boolean met = t.path("met").asBoolean();
      out.append("<span class=\"").append(met ? "passed" : "missed").append("\">")
          .append(met ? "&#10003; " : "&#10007; ")
          .append(esc(t.path("name").asText()));
      if (!t.path("op").asText().equals("holds")) {
        out.append(" (").append(String.format("%.4g", t.path("actual").asDouble())).append(')');
      }
      out.append("</span><br>");
    }
    return out.toString();
  }

  static String us(double micros) {
    if (micros >= 1000) {
      return String.format("%.1f ms", micros / 1000);
    }
    return String.format("%.0f us", micros);
  }

  private static String anchor(JsonNode c) {
    return c.path("suite").asText() + "-" + c.path("case").asText();
  }

  private static String esc(String text) {
    return HtmlSections.esc(text);
  }
}
