package tai.autonomics.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import tai.autonomics.bench.report.Baseline;
import tai.autonomics.bench.report.HtmlReport;
import tai.autonomics.bench.report.MarkdownReport;
import tai.autonomics.bench.report.Summary;

/**
 * Runs benchmark suites through the JUnit Platform and reports on them, with the seed's interface:
 * {@code BenchRunner [all|http|governor|ledger|executor|stress|quick] [--report] [--verbose] [--timeout SECONDS]
 * [--profile full|quick] [--baseline FILE] [--results DIR] [--no-assert] [--target URL] [--markdown FILE]}. With
 * {@code --target} the http and stress suites load a node already running at URL (a release candidate, the cluster
 * demo) instead of starting one of their own. {@code --markdown} also writes the run as docs/PERFORMANCE_REPORT.md
 * is kept; the target {@code report} runs nothing and writes the reports again from the results already in
 * {@code --results}.
 *
 * <p>Exit codes: 0 every case met its targets; 1 a case failed or missed a target; 2 bad arguments; 3 timeout;
 * 4 a regression against the baseline.
 */
public final class BenchRunner {
  static final Map<String, String> SUITES = new LinkedHashMap<>();

  static {
    SUITES.put("http", "tai.autonomics.bench.HttpEndpointBench");
    SUITES.put("governor", "tai.autonomics.bench.GovernorPerfBench");
    SUITES.put("ledger", "tai.autonomics.bench.ReceiptLedgerBench");
    SUITES.put("executor", "tai.autonomics.bench.ActionExecutorBench");
    SUITES.put("stress", "tai.autonomics.bench.SystemStressBench");
  }

  private BenchRunner() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: run.sh [all|http|governor|ledger|executor|stress|quick|report] [--report] "
          + "[--verbose] [--timeout SECONDS] [--profile full|quick] [--baseline FILE] [--results DIR] [--no-assert] "
          + "[--target URL] [--markdown FILE]");
      System.exit(2);
      return;
    }
    // recorded in summary.json, so the markdown report can say which command produced its figures
    System.setProperty("bench.command", "bench/run.sh " + String.join(" ", args));
    System.exit(run(options));
  }

  static int run(BenchOptions options) {
    if (options.suites().isEmpty()) {
      return rewrite(options);
    }
    System.setProperty("bench.profile", options.profile());
    System.setProperty("bench.results.dir", options.results().toString());
    System.setProperty("bench.assert", options.assertTargets() ? "all" : "integrity");
    System.setProperty("bench.progress", String.valueOf(options.verbose() || options.profile().equals("full")));
    System.setProperty("java.awt.headless", "true");
    if (options.target() != null) {
      System.setProperty("bench.target", options.target());
    }
    clearResults(options.results());
    System.out.printf("TAI Autonomics benchmarks: %s, profile %s, results in %s%s%n", options.suites(),
        options.profile(), options.results().toAbsolutePath(),
        options.target() != null ? ", against the node at " + options.target() : "");

    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
    for (String suite : options.suites()) {
      request.selectors(selectClass(SUITES.get(suite)));
    }
    LauncherDiscoveryRequest discovery = request.build();
    Launcher launcher = LauncherFactory.create();
    ProgressListener progress = new ProgressListener(options.verbose());
    long start = System.nanoTime();
    Thread runner = new Thread(() -> launcher.execute(discovery, progress), "bench-runner");
    runner.setDaemon(true);
    runner.start();
    try {
      runner.join(options.timeoutSeconds() * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (runner.isAlive()) {
      System.out.printf("%nTIMEOUT: the run did not finish within %d s; cases finished so far are reported%n",
          options.timeoutSeconds());
    }
    List<JsonNode> cases = Summary.readCases(options.results());
    com.fasterxml.jackson.databind.node.ObjectNode summary = Summary.summary(cases, options.profile(), wall);
    summary.put("command", System.getProperty("bench.command", "bench/run.sh " + String.join(" ", options.suites())
        + " --profile " + options.profile()));
    ResultTable.print(cases, progress.notRun(), wall);
    List<Baseline.Regression> regressions = List.of();
    if (options.baseline() != null) {
      regressions = Baseline.compare(Baseline.load(options.baseline()), summary);
      System.out.println(regressions.isEmpty() ? "No regression against " + options.baseline()
          : "REGRESSIONS against " + options.baseline() + ":");
      regressions.forEach(r -> System.out.println("  " + r));
    }
    try {
      Files.createDirectories(options.results());
      CaseResult.MAPPER.writeValue(options.results().resolve("summary.json").toFile(), summary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    reports(options, cases, summary, progress.notRun());
    if (runner.isAlive()) {
      return 3;
    }
    if (!regressions.isEmpty()) {
      return 4;
    }
    return progress.failed() > 0 ? 1 : 0;
  }

  private static void reports(BenchOptions options, List<JsonNode> cases, JsonNode summary, Map<String, String> notRun) {
    if (options.report()) {
      Path html = HtmlReport.write(options.results().resolve("report.html"), cases, summary,
          options.baseline() == null ? null : Baseline.load(options.baseline()), notRun);
      System.out.println("report: " + html.toAbsolutePath() + "  summary: "
          + options.results().resolve("summary.json").toAbsolutePath());
    }
    if (options.markdown() != null) {
      System.out.println("markdown: " + MarkdownReport.write(options.markdown(), cases, summary).toAbsolutePath());
    }
  }

  /** The {@code report} target: the reports again from a finished run's results, nothing run. */
  private static int rewrite(BenchOptions options) {
    Path summaryFile = options.results().resolve("summary.json");
    List<JsonNode> cases = Summary.readCases(options.results());
    if (cases.isEmpty() || !Files.isRegularFile(summaryFile)) {
      System.err.println("no results to report in " + options.results().toAbsolutePath()
          + " (run a suite first, or pass --results DIR)");
      return 2;
    }
    JsonNode summary = Baseline.load(summaryFile);
    ResultTable.print(cases, Map.of(), summary.path("wall_s").asDouble());
    if (!options.report() && options.markdown() == null) {
      System.err.println("report: nothing to write; pass --report and/or --markdown FILE");
      return 2;
    }
    reports(options, cases, summary, Map.of());
    if (options.baseline() != null) {
      List<Baseline.Regression> regressions = Baseline.compare(Baseline.load(options.baseline()), summary);
      regressions.forEach(r -> System.out.println("  regression: " + r));
      return regressions.isEmpty() ? 0 : 4;
    }
    return 0;
  }

  private static void clearResults(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".html"))
          .toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + dir, e);
    }
  }

  static List<String> names() {
    return new ArrayList<>(SUITES.keySet());
  }
}
