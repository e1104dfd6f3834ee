package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the run's calibration case ({@code bench_harness_calibration}, first in the HTTP suite) says about the load
 * client: its req/s against a bare pekko-http server beside wrk's, and GET /health p50 through the suite beside
 * wrk's. The goals (issue 19): client >= 0.8 x wrk on the bare server, p50 within 1.5 x wrk's. When the case says
 * {@code client_bottleneck}, every HTTP figure of the run measured the client, and the reports say so first.
 */
public final class Calibration {
  public static final String CASE = "bench_harness_calibration";
  static final double CLIENT_VS_WRK_GOAL = 0.8;
  static final double P50_VS_WRK_GOAL = 1.5;

  /** One line of the calibration: a label, the value as text, and whether it missed its goal. */
  public record Line(String label, String value, boolean poor) {}

  /** The calibration figures; wrk's are NaN when wrk was not on the PATH. */
  public record Figures(double clientRpsBare, double wrkRpsBare, double clientVsWrk, double p50Client,
      double p50Wrk, double p50VsWrk, boolean clientBottleneck) {
    public List<Line> lines() {
      List<Line> out = new ArrayList<>();
      out.add(new Line("suite's client against the bare pekko-http server", rps(clientRpsBare), false));
      out.add(new Line("wrk against the bare server", Double.isNaN(wrkRpsBare) ? "not run (wrk not on the PATH)"
          : rps(wrkRpsBare), false));
      if (!Double.isNaN(clientVsWrk)) {
        out.add(new Line("client / wrk on the bare server (goal >= " + CLIENT_VS_WRK_GOAL + ")",
            String.format("%.2f", clientVsWrk), clientVsWrk < CLIENT_VS_WRK_GOAL));
      }
      out.add(new Line("GET /health p50 through the suite's client", us(p50Client), false));
      out.add(new Line("GET /health p50 through wrk", Double.isNaN(p50Wrk) ? "not run" : us(p50Wrk), false));
      if (!Double.isNaN(p50VsWrk)) {
        out.add(new Line("p50 suite / wrk (goal <= " + P50_VS_WRK_GOAL + ")", String.format("%.2f", p50VsWrk),
            p50VsWrk > P50_VS_WRK_GOAL));
      }
      return out;
    }
  }

  private Calibration() {}

  /** The run's calibration, if it ran the case. */
  public static Optional<Figures> of(List<JsonNode> cases) {
    return cases.stream().filter(c -> CASE.equals(c.path("case").asText())).findFirst().map(c -> {
      JsonNode m = c.path("metrics");
      return new Figures(number(m, "client_rps_bare"), number(m, "wrk_rps_bare"),
          number(m, "client_vs_wrk_bare_ratio"), number(m, "health_p50_us_client"), number(m, "health_p50_us_wrk"),
          number(m, "health_p50_vs_wrk_ratio"), m.path("client_bottleneck").asBoolean(false));
    });
  }

  /** True when the run has HTTP-driven cases (http or stress suites) whose figures the calibration vouches for. */
  public static boolean hasHttpCases(List<JsonNode> cases) {
    return cases.stream().anyMatch(c -> !CASE.equals(c.path("case").asText())
        && List.of("http_endpoint", "system_stress").contains(c.path("suite").asText()));
  }

  private static double number(JsonNode metrics, String key) {
    JsonNode value = metrics.path(key);
    return value.isNumber() ? value.asDouble() : Double.NaN;
  }

  private static String rps(double value) {
    return Double.isNaN(value) ? "n/a" : String.format("%,.0f req/s", value);
  }

  private static String us(double micros) {
    return Double.isNaN(micros) ? "n/a" : String.format("%.0f us", micros);
  }
}
