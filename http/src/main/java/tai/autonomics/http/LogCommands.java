package tai.autonomics.http;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tai.autonomics.tlog.ExportDir;
import tai.autonomics.tlog.LogAudit;
import tai.autonomics.tlog.LogSource;
import tai.autonomics.tlog.NoteVerifier;

/**
 * {@code java -jar node.jar audit|export ...}: a tenant's log audited from a running node or from an export, and
 * exported from a running node (so a stopped node's data directory is never opened beside a running one).
 *
 * <pre>
 * audit  --url URL --tenant T --vkey VKEY [--token READ_TOKEN] [--state FILE]
 * audit  --export DIR --tenant T --vkey VKEY [--state FILE]
 * export --url URL --tenant T --out DIR [--token READ_TOKEN]
 * </pre>
 *
 * Exit codes: 0 all holds; {@link #FAILED} the audit found a problem (named on stderr); {@link #USAGE} bad
 * arguments; {@link #UNREACHABLE} the log could not be read.
 */
final class LogCommands {
  static final int FAILED = 1;
  static final int USAGE = 64;
  static final int UNREACHABLE = 69;
  private static final Set<String> COMMANDS = Set.of("audit", "export");

  private LogCommands() {}

  static boolean handles(String[] args) {
    return args.length > 0 && COMMANDS.contains(args[0]);
  }

  /** Runs the command; returns its exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        err.println("usage: audit (--url URL [--token T] | --export DIR) --tenant T --vkey VKEY [--state FILE]\n"
            + "       export --url URL --tenant T --out DIR [--token T]");
        return USAGE;
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    String token = options.getOrDefault("token", System.getenv("TAI_READ_TOKEN"));
    try {
      if (args[0].equals("export")) {
        require(options, List.of("url", "tenant", "out"), List.of("token"));
        long size = ExportDir.write(new HttpLogSource(options.get("url"), options.get("tenant"), token),
            Path.of(options.get("out")));
        int versions = new PolicyClient(options.get("url"), token).exportPolicies(Path.of(options.get("out")));
        out.println("exported " + options.get("tenant") + ": checkpoint of size " + size + " and " + versions
            + " policy versions to " + options.get("out"));
        return 0;
      }
      boolean fromExport = options.containsKey("export");
      require(options, List.of(fromExport ? "export" : "url", "tenant", "vkey"), List.of("token", "state"));
      NoteVerifier vkey = NoteVerifier.parse(options.get("vkey"));
      Optional<Path> state = Optional.ofNullable(options.get("state")).map(Path::of);
      LogAudit.Result result;
      if (fromExport) {
        try (ExportDir dir = ExportDir.open(Path.of(options.get("export")))) {
          result = LogAudit.run(dir, options.get("tenant"), vkey, state);
        }
      } else {
        LogSource node = new HttpLogSource(options.get("url"), options.get("tenant"), token);
        result = LogAudit.run(node, options.get("tenant"), vkey, state);
      }
      if (!result.ok()) {
        err.println("audit failed: " + result.problem());
        return FAILED;
      }
      out.println("audit ok: " + vkey.name() + " tenant " + options.get("tenant") + ", checkpoint of size "
          + result.size() + ", " + result.receipts() + " receipts re-hashed, tiles and root rebuilt");
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(args[0] + ": " + e.getMessage());
      return USAGE;
    } catch (IOException | java.io.UncheckedIOException e) {
      err.println(args[0] + ": cannot read the log: " + e.getMessage());
      return UNREACHABLE;
    }
  }

  private static void require(Map<String, String> options, List<String> required, List<String> optional) {
    for (String name : required) {
      if (!options.containsKey(name)) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
    }
    for (String name : options.keySet()) {
      if (!required.contains(name) && !optional.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
  }
}
