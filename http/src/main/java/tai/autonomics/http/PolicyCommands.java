package tai.autonomics.http;

import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tai.autonomics.Json;
import tai.autonomics.governor.GovernorReplay;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.PolicyFile;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.PolicyRecords;
import tai.autonomics.tlog.ExportDir;
import tai.autonomics.tlog.LogSource;

/**
 * {@code java -jar node.jar replay|check-policies ...} (docs/POLICY.md):
 *
 * <pre>
 * replay --url URL --tenant T [--token READ_TOKEN]    the chain and its packs read from a running node
 * replay --export DIR --tenant T                      an export ({@code node.jar export}, with its policies.jsonl)
 * check-policies FILE                                 a pack file checked as a reload would: each pack's version
 * </pre>
 *
 * Exit codes: 0 every decision replays as recorded (or the file checks); {@link #MISMATCH} the first receipt whose
 * decision differs is named on stdout (or the bad key on stderr); {@link #USAGE} bad arguments;
 * {@link LogCommands#UNREACHABLE} the chain could not be read.
 */
final class PolicyCommands {
  static final int MISMATCH = 1;
  static final int USAGE = 2;
  /** Beside {@code receipts.jsonl} in an export: the policy record of every version its receipts name. */
  static final String POLICIES = "policies.jsonl";
  private static final Set<String> COMMANDS = Set.of("replay", "check-policies");
  private static final int PAGE = 1000;

  private PolicyCommands() {}

  static boolean handles(String[] args) {
    return args.length > 0 && COMMANDS.contains(args[0]);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args[0].equals("check-policies")) {
      return checkPolicies(args, out, err);
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        err.println("usage: replay (--url URL [--token T] | --export DIR) --tenant T");
        return USAGE;
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    boolean fromExport = options.containsKey("export");
    if (!options.containsKey("tenant") || fromExport == options.containsKey("url")
        || !Set.of("url", "export", "tenant", "token").containsAll(options.keySet())
        || (fromExport && options.containsKey("token"))) {
      err.println("usage: replay (--url URL [--token T] | --export DIR) --tenant T");
      return USAGE;
    }
    String tenant = options.get("tenant");
    try {
      if (fromExport) {
        Path dir = Path.of(options.get("export"));
        Map<String, Receipt> records = readPolicies(dir.resolve(POLICIES));
        try (ExportDir export = ExportDir.open(dir)) {
          return replay(export, tenant, version -> records.get(version), out, err);
        }
      }
      String token = options.getOrDefault("token", System.getenv("TAI_READ_TOKEN"));
      PolicyClient client = new PolicyClient(options.get("url"), token);
      return replay(new HttpLogSource(options.get("url"), tenant, token), tenant, client::record, out, err);
    } catch (IOException | UncheckedIOException e) {
      err.println("replay: cannot read the chain: " + e.getMessage());
      return LogCommands.UNREACHABLE;
    }
  }

  /** A source of policy records by version; null when it has none. */
  interface Records {
    Receipt byVersion(String version) throws IOException;
  }

  private static int replay(LogSource source, String tenant, Records records, PrintStream out, PrintStream err)
      throws IOException {
    Map<String, Optional<PolicyPack>> packs = new HashMap<>();
    GovernorReplay replay = new GovernorReplay(reference -> packs.computeIfAbsent(reference, ref -> {
      try {
        return pack(ref, records, err);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).orElse(null));
    long receipts = 0;
    long after = 0;
    while (true) {
      List<Receipt> page = source.receipts(after, PAGE);
      for (Receipt r : page) {
        receipts++;
        Optional<GovernorReplay.Mismatch> mismatch = replay.check(r);
        if (mismatch.isPresent()) {
          GovernorReplay.Mismatch m = mismatch.get();
          out.println("replay mismatch: tenant " + tenant + ", receipt seq " + m.seq() + " (id " + m.id() + ")");
          out.println("  expected: " + m.expected());
          out.println("  recorded: " + m.recorded());
          out.println("  why:      " + m.why());
          return MISMATCH;
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      after = page.get(page.size() - 1).seq();
    }
    out.println("replay ok: tenant " + tenant + ", " + receipts + " receipts, " + replay.decisions()
        + " decisions replayed as recorded, " + replay.passed() + " other receipts passed over, under "
        + packs.keySet());
    return 0;
  }

  /** The pack a receipt's {@code name@version} names, from its policy record; warns when its content was changed. */
  private static Optional<PolicyPack> pack(String reference, Records records, PrintStream err) throws IOException {
    if (reference == null || reference.lastIndexOf('@') < 0) {
      return Optional.empty();
    }
    String version = reference.substring(reference.lastIndexOf('@') + 1);
    Receipt record = records.byVersion(version);
    if (record == null) {
      return Optional.empty();
    }
    PolicyPack pack;
    try {
      pack = PolicyRecords.read(record);
    } catch (IllegalArgumentException e) {
      err.println("replay: the policy record of " + reference + " cannot be read: " + e.getMessage());
      return Optional.empty();
    }
    if (!pack.version().equals(version)) {
      err.println("replay: warning: the policy record of " + reference + " holds a pack whose content hashes to "
          + pack.version() + ": it was changed since it was written; replaying under what it holds now");
    }
    return Optional.of(pack);
  }

  private static Map<String, Receipt> readPolicies(Path file) throws IOException {
    Map<String, Receipt> byVersion = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isBlank()) {
          Receipt record = Json.MAPPER.readValue(line, Receipt.class);
          byVersion.put(record.messageId(), record);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IOException("the export has no " + POLICIES + " (export it again with this node.jar)", e);
    }
    return byVersion;
  }

  private static int checkPolicies(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2) {
      err.println("usage: check-policies FILE");
      return USAGE;
    }
    try {
      PolicyPacks packs = PolicyFile.load(Path.of(args[1]), ConfigFactory.load());
      packs.all().forEach((sku, pack) -> out.println(sku + " " + pack.reference()));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("check-policies: " + e.getMessage());
      return MISMATCH;
    }
  }
}
