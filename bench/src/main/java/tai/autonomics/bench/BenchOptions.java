package tai.autonomics.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The parsed command line of {@link BenchRunner}; {@link #parse} refuses a bad one with the reason. */
record BenchOptions(List<String> suites, String profile, boolean report, boolean verbose, long timeoutSeconds,
    Path baseline, Path results, boolean assertTargets, String target, Path markdown) {

  static BenchOptions parse(String[] args) {
    String target = "all";
    String profile = null;
    boolean report = false;
    boolean verbose = false;
    boolean assertTargets = true;
    long timeout = 3600;
    Path baseline = null;
    Path markdown = null;
    Path results = Path.of("bench", "target", "bench-results");
    String nodeUrl = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--report" -> report = true;
        case "--verbose" -> verbose = true;
        case "--no-assert" -> assertTargets = false;
        case "--timeout" -> timeout = Long.parseLong(value(args, ++i, arg));
        case "--profile" -> profile = value(args, ++i, arg).toLowerCase(Locale.ROOT);
        case "--baseline" -> baseline = Path.of(value(args, ++i, arg));
        case "--results" -> results = Path.of(value(args, ++i, arg));
        case "--target" -> nodeUrl = value(args, ++i, arg);
        case "--markdown" -> markdown = Path.of(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + arg);
          }
          target = arg;
        }
      }
    }
    List<String> suites;
    if (target.equals("all") || target.equals("quick")) {
      suites = List.copyOf(BenchRunner.SUITES.keySet());
    } else if (target.equals("report")) {
      suites = List.of();
    } else {
      // one suite, or several joined by commas (ledger,governor,executor): one run, one set of results
      suites = List.of(target.split(","));
      for (String suite : suites) {
        if (!BenchRunner.SUITES.containsKey(suite)) {
          throw new IllegalArgumentException("unknown suite " + suite);
        }
      }
    }
    if (profile == null) {
      profile = target.equals("quick") ? "quick" : "full";
    }
    if (!profile.equals("quick") && !profile.equals("full")) {
      throw new IllegalArgumentException("--profile must be quick or full");
    }
    if (timeout <= 0) {
      throw new IllegalArgumentException("--timeout must be positive");
    }
    if (nodeUrl != null) {
      if (!nodeUrl.matches("http://[^/\\s]+(:\\d+)?/?")) {
        throw new IllegalArgumentException("--target must be http://host:port, not " + nodeUrl);
      }
      if (!List.of("http", "stress").containsAll(suites)) {
        throw new IllegalArgumentException("--target applies to the http and stress suites only");
      }
    }
    return new BenchOptions(suites, profile, report, verbose, timeout, baseline, results, assertTargets, nodeUrl,
        markdown);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
