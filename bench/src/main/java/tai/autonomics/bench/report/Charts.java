package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, rendered with JFreeChart to PNG and handed back as data URIs to embed in the HTML. */
final class Charts {
  private static final int WIDTH = 600;
  private static final int HEIGHT = 300;

  private Charts() {}

  /** Latency by percentile (log scale), one line for the main load and one per part. */
  static String percentiles(JsonNode c) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    addCurve(data, c.path("label").asText("main"), c.path("latency_us").path("curve"));
    for (JsonNode part : c.path("parts")) {
      addCurve(data, part.path("label").asText(), part.path("latency_us").path("curve"));
    }
    if (data.getRowCount() == 0) {
      return null;
    }
    JFreeChart chart = ChartFactory.createLineChart("Latency by percentile", "percentile", "latency (us)", data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    LogAxis log = new LogAxis("latency (us, log)");
    log.setSmallestValue(0.1);
    log.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
    plot.setRangeAxis(log);
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(2.5f);
    return png(chart);
  }

  private static void addCurve(DefaultCategoryDataset data, String series, JsonNode curve) {
    for (JsonNode point : curve) {
      double p = point.get(0).asDouble();
      if (p < 50) {
        continue; // the body of the distribution says little; the tail is what the targets are about
      }
      data.addValue(Math.max(0.1, point.get(1).asDouble()), series, trim(p));
    }
  }

  /** Throughput per interval and p99 per interval over the run (main load; stages share one time line). */
  static String throughput(JsonNode c) {
    XYSeries ok = new XYSeries("successes/s");
    XYSeries errors = new XYSeries("errors/s");
    JsonNode intervals = c.path("intervals");
    if (intervals.size() < 2) {
      return null;
    }
    double width = intervals.get(1).path("t").asDouble() - intervals.get(0).path("t").asDouble();
    for (JsonNode i : intervals) {
      ok.add(i.path("t").asDouble(), i.path("throughput").asDouble());
      errors.add(i.path("t").asDouble(), width > 0 ? i.path("errors").asDouble() / width : 0);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(ok);
    data.addSeries(errors);
    return png(ChartFactory.createXYLineChart("Throughput over time", "seconds", "per second", data,
        PlotOrientation.VERTICAL, true, false, false));
  }

  /**
   * p50 and p99 per interval of the main load, and p99 per interval of each part with a time line of its own
   * (a concurrency level, a burst, the anchor), each from its own start.
   */
  static String latencyOverTime(JsonNode c) {
    XYSeriesCollection data = new XYSeriesCollection();
    String main = c.path("label").asText("main");
    addOverTime(data, main + " p50", c.path("intervals"), "p50_us");
    addOverTime(data, main + " p99", c.path("intervals"), "p99_us");
    for (JsonNode part : c.path("parts")) {
      addOverTime(data, part.path("label").asText() + " p99", part.path("intervals"), "p99_us");
    }
    if (data.getSeriesCount() == 0) {
      return null;
    }
    return png(ChartFactory.createXYLineChart("Latency over time", "seconds", "ms", data,
        PlotOrientation.VERTICAL, true, false, false));
  }

  private static void addOverTime(XYSeriesCollection data, String name, JsonNode intervals, String field) {
    if (intervals.size() < 2) {
      return;
    }
    XYSeries series = new XYSeries(name);
    for (JsonNode i : intervals) {
      if (i.path("ok").asLong() > 0) {
        series.add(i.path("t").asDouble(), i.path(field).asDouble() / 1000);
      }
    }
    if (series.getItemCount() > 0 && data.getSeriesIndex(name) < 0) {
      data.addSeries(series);
    }
  }

  /** Heap (live estimate and in use) over the sampled window of a stress case. */
  static String heap(JsonNode c) {
    JsonNode samples = c.path("resources").path("samples");
    if (samples.size() < 2) {
      return null;
    }
    XYSeries live = new XYSeries("heap, live (MB)");
    XYSeries inUse = new XYSeries("heap in use (MB)");
    for (JsonNode s : samples) {
      live.add(s.path("t").asDouble(), s.path("heap_mb").asDouble());
      inUse.add(s.path("t").asDouble(), s.path("heap_in_use_mb").asDouble());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(live);
    data.addSeries(inUse);
    return png(ChartFactory.createXYLineChart("Heap over time", "seconds", "MB", data,
        PlotOrientation.VERTICAL, true, false, false));
  }

  private static String png(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render " + chart.getTitle().getText(), e);
    }
  }

  private static String trim(double p) {
    return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
  }
}
