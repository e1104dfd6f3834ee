package tai.autonomics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code docs/PERFORMANCE_REPORT.md} as a current-state document, written from one run's results (summary.json and
 * the case JSONs): the environment, the load client's calibration, and per suite one row per target with the
 * measured value, the anchor ratio of the same metric, pass or miss, and the command that reproduces the figure.
 * Nothing in it is typed by hand, so it cannot drift from what was measured; its history is the file's git history.
 */
public final class MarkdownReport {
  /** Suite in the JSON -> (runner's suite name, test class). */
  static final Map<String, String[]> SUITES = Map.of(
      "http_endpoint", new String[] {"http", "HttpEndpointBench"},
      "governor_perf", new String[] {"governor", "GovernorPerfBench"},
      "receipt_ledger", new String[] {"ledger", "ReceiptLedgerBench"},
      "action_executor", new String[] {"executor", "ActionExecutorBench"},
      "system_stress", new String[] {"stress", "SystemStressBench"});

  private MarkdownReport() {}

  public static Path write(Path file, List<JsonNode> cases, JsonNode summary) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, render(cases, summary), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String render(List<JsonNode> cases, JsonNode summary) {
    String profile = summary.path("profile").asText("quick");
    JsonNode env = summary.path("environment");
    StringBuilder md = new StringBuilder("# Performance report\n\n");
    md.append("Generated from the results of one run by `bench/run.sh ... --markdown docs/PERFORMANCE_REPORT.md` ")
        .append("(see [BENCHMARKING_GUIDE.md](BENCHMARKING_GUIDE.md)); do not edit by hand, regenerate it. ")
        .append("The 30 scenarios and their targets are listed in [BENCHMARKS.md](BENCHMARKS.md). ")
        .append("Earlier reports are in this file's git history.\n\n");
    md.append("| run | |\n|---|---|\n")
        .append("| profile | **").append(profile).append("**").append(profile.equals("quick")
            ? " (scaled-down counts and durations; a `full` run gives the seed's figures)" : "").append(" |\n")
        .append("| cases | ").append(cases.size()).append(" (").append(summary.path("passed").asLong())
        .append(" met every target, ").append(summary.path("failed").asLong()).append(" missed one or more) |\n")
        .append("| first case started | ").append(cases.stream().map(c -> c.path("timestamp").asText())
            .sorted().findFirst().orElse("?")).append(" |\n")
        .append("| commit | `").append(env.path("commit").asText("?")).append("` |\n")
        .append("| JDK | ").append(env.path("jdk").asText("?")).append(" |\n")
        .append("| machine | ").append(env.path("cores").asInt()).append(" cores, ").append(env.path("os").asText("?"))
        .append(", 1-minute load average ").append(String.format("%.1f", env.path("load_average").asDouble()))
        .append(" when the first case began |\n")
        .append("| JVM | max heap ").append(env.path("max_heap_mb").asLong()).append(" MB, GC ")
        .append(env.path("gc").asText("?")).append(" |\n\n");
    calibration(md, cases);
    md.append("Columns: *measured* is the case's figure; *vs anchor* is measured / the same figure of the bare ")
        .append("component (raw RocksDB, an echo actor, a bare worker pool, a bare pekko-http server) run in the ")
        .append("same run at the same load, so above 1 for latencies and below 1 for rates is what the component ")
        .append("adds. *reproduce* runs the one case (add `-Dbench.assert=all` to fail on a missed target).\n\n");
    for (String suite : Summary.SUITE_ORDER) {
      List<JsonNode> inSuite = cases.stream().filter(c -> suite.equals(c.path("suite").asText())).toList();
      if (!inSuite.isEmpty()) {
        suite(md, suite, inSuite, profile);
      }
    }
    return md.toString();
  }

  private static void calibration(StringBuilder md, List<JsonNode> cases) {
    Optional<Calibration.Figures> figures = Calibration.of(cases);
    if (figures.isEmpty()) {
      if (Calibration.hasHttpCases(cases)) {
        md.append("> **No calibration case in this run**: nothing shows that the HTTP figures are the node's.\n\n");
      }
      return;
    }
    md.append("## Calibration of the load client\n\n");
    if (figures.get().clientBottleneck()) {
      md.append("> **WARNING: the load client was the bottleneck in this run.** The HTTP and stress figures below ")
          .append("measure the client, not the node.\n\n");
    }
    md.append("| | |\n|---|---|\n");
    for (Calibration.Line line : figures.get().lines()) {
      md.append("| ").append(line.label()).append(" | ").append(line.poor() ? "**" + line.value() + "** (missed)"
          : line.value()).append(" |\n");
    }
    md.append('\n');
  }

  private static void suite(StringBuilder md, String suite, List<JsonNode> cases, String profile) {
    String[] names = SUITES.getOrDefault(suite, new String[] {suite, suite});
    md.append("## ").append(suite).append("\n\nWhole suite: `bench/run.sh ").append(names[0])
        .append(" --profile ").append(profile).append(" --report`\n\n")
        .append("| case | target | measured | vs anchor | pass | reproduce |\n|---|---|---|---|---|---|\n");
    List<String> notes = new ArrayList<>();
    for (JsonNode c : cases) {
      String name = c.path("case").asText();
      String command = "`mvn -B -pl bench -am test -Dsurefire.failIfNoSpecifiedTests=false -Dbench.profile=" + profile
          + " -Dtest=" + names[1] + "#" + name + "`";
      List<String> used = new ArrayList<>();
      for (JsonNode t : c.path("targets")) {
        boolean holds = t.path("op").asText().equals("holds");
        String metric = t.path("metric").asText();
        String measured = holds ? (t.path("met").asBoolean() ? "holds" : "does not hold")
            : metric + " = " + fmt(t.path("actual").asDouble());
        String ratio = holds ? "" : anchorRatio(c, metric, used);
        md.append("| ").append(name).append(" | ").append(t.path("name").asText().replace("|", "\\|")).append(" | ")
            .append(measured).append(" | ").append(ratio).append(" | ")
            .append(t.path("met").asBoolean() ? "yes" : "**no**").append(" | ").append(command).append(" |\n");
      }
      for (JsonNode a : c.path("anchors")) {
        if (!used.contains(a.path("metric").asText())) {
          md.append("| ").append(name).append(" | (no target) | ").append(a.path("metric").asText()).append(" = ")
              .append(fmt(a.path("measured").asDouble())).append(" | ").append(ratio(a)).append(" | | ")
              .append(command).append(" |\n");
        }
      }
      note(c).ifPresent(notes::add);
    }
    md.append('\n');
    notes.forEach(n -> md.append("- ").append(n).append('\n'));
    if (!notes.isEmpty()) {
      md.append('\n');
    }
  }

  private static String anchorRatio(JsonNode c, String metric, List<String> used) {
    for (JsonNode a : c.path("anchors")) {
      if (a.path("metric").asText().equals(metric)) {
        used.add(metric);
        return ratio(a);
      }
    }
    return "";
  }

  private static String ratio(JsonNode a) {
    return String.format("%.2f (%s, anchor %s)", a.path("ratio").asDouble(), a.path("name").asText(),
        fmt(a.path("anchor").asDouble()));
  }

  /** What a reader must know beside a figure: the drain arithmetic of a burst no pool of that size can beat. */
  static Optional<String> note(JsonNode c) {
    JsonNode m = c.path("metrics");
    if (!m.has("drain_floor_ms")) {
      return Optional.empty();
    }
    JsonNode p = c.path("parameters");
    return Optional.of(String.format("%s: %d actions submitted at once onto %d workers (pool %s) at %d ms each "
        + "need at least %.1f ms to drain (%d x %d / %d), and the action at the 99th percentile waits at least %.0f ms for a "
        + "worker: the seed's target cannot hold with the seed's pool. Measured p99 queue wait %s ms; the bare pool, "
        + "same bursts, %s ms.", c.path("case").asText(), p.path("actions_per_burst").asInt(),
        p.path("workers").asInt(), p.path("pool").asText(), p.path("simulated_latency_ms").asInt(),
        m.path("drain_floor_ms").asDouble(), p.path("actions_per_burst").asInt(), p.path("simulated_latency_ms").asInt(),
        p.path("workers").asInt(),
        m.path("queue_wait_floor_p99_ms").asDouble(), fmt(m.path("queue_wait_p99_ms").asDouble()),
        fmt(m.path("anchor_queue_wait_p99_ms").asDouble())));
  }

  static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e12) {
      return String.valueOf((long) value);
    }
    return Math.abs(value) >= 100 ? String.format("%,.0f", value) : String.format("%.3g", value);
  }
}
