package tai.autonomics.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tai.autonomics.bench.load.LatencyRecorder;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.ResourceSampler;

/** The JSON shapes of a load run, a latency histogram and resource samples in a case's result file (µs, MB). */
final class ResultJson {
  private static final double[] CURVE = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9,
      99.99, 100};

  private ResultJson() {}

  static Map<String, Object> resources(ResourceSampler.Report report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("heap_first_mb", mb(report.heapFirst()));
    out.put("heap_last_mb", mb(report.heapLast()));
    out.put("heap_peak_mb", mb(report.heapPeak()));
    out.put("heap_average_mb", mb(report.heapAverage()));
    out.put("heap_growth_mb_per_s", report.heapGrowthPerSecond() / (1024 * 1024));
    out.put("gc_count", report.gcCount());
    out.put("gc_time_ms", report.gcMillis());
    out.put("cpu_average", report.cpuAverage());
    out.put("cpu_peak", report.cpuPeak());
    List<Map<String, Object>> samples = new ArrayList<>();
    for (ResourceSampler.Sample s : report.samples()) {
      Map<String, Object> sample = new LinkedHashMap<>();
      sample.put("t", s.seconds());
      sample.put("heap_mb", mb(s.heapUsed()));
      sample.put("heap_in_use_mb", mb(s.heapInUse()));
      sample.put("gc_count", s.gcCount());
      sample.put("gc_time_ms", s.gcMillis());
      sample.put("cpu", s.processCpu());
      samples.add(sample);
    }
    out.put("samples", samples);
    return out;
  }

  static Map<String, Object> describe(LoadResult load) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", load.label());
    out.put("count", load.total());
    out.put("ok", load.ok());
    out.put("errors", load.errors());
    out.put("error_rate", load.errorRate());
    out.put("wall_s", load.wallSeconds());
    out.put("throughput", load.throughput());
    out.put("latency_us", latency(load.latencies(), load.ok()));
    List<Map<String, Object>> series = new ArrayList<>();
    for (LatencyRecorder.IntervalStats i : load.intervals()) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("t", i.startSeconds());
      point.put("ok", i.ok());
      point.put("errors", i.errors());
      point.put("throughput", i.throughput());
      point.put("p50_us", i.p50Nanos() / 1e3);
      point.put("p99_us", i.p99Nanos() / 1e3);
      series.add(point);
    }
    out.put("intervals", series);
    return out;
  }

  static Map<String, Object> latency(Histogram h, long ok) {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean any = ok > 0;
    out.put("p50", any ? h.getValueAtPercentile(50) / 1e3 : 0);
    out.put("p95", any ? h.getValueAtPercentile(95) / 1e3 : 0);
    out.put("p99", any ? h.getValueAtPercentile(99) / 1e3 : 0);
    out.put("p999", any ? h.getValueAtPercentile(99.9) / 1e3 : 0);
    out.put("max", any ? h.getMaxValue() / 1e3 : 0);
    out.put("mean", any ? h.getMean() / 1e3 : 0);
    out.put("min", any ? h.getMinValue() / 1e3 : 0);
    List<double[]> curve = new ArrayList<>();
    if (any) {
      for (double p : CURVE) {
        curve.add(new double[] {p, h.getValueAtPercentile(p) / 1e3});
      }
    }
    out.put("curve", curve);
    return out;
  }

  private static double mb(double bytes) {
    return bytes / (1024 * 1024);
  }
}
