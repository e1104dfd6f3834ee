package tai.autonomics.tlog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.ledger.RocksReceiptStore;

/**
 * The tree at a million receipts of one tenant, over RocksDB (not a unit test: it asserts nothing, its numbers depend
 * on the machine): the time to append them in batches of 1000, the tlog family's bytes per receipt after compaction,
 * inclusion proof latency (in process, from the stored tiles, no HTTP), and a full {@link LogAudit} (re-hash every
 * receipt, rebuild every tile, compare, check the root) reading the store directly. Run from the repository root:
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -pl core -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/bench.cp
 * java -Xmx2g -cp core/target/test-classes:core/target/classes:$(cat core/target/bench.cp) \
 *     tai.autonomics.tlog.TlogBenchmark [receipts, default 1000000]
 * </pre>
 */
public final class TlogBenchmark {
  private TlogBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String tenant = "tenant-big";
    Path root = Files.createTempDirectory("tlog-bench");
    // the machine is shared: the load average says how much of it the figures had
    System.out.println("load average at start: " + loadAverage());
    try (RocksReceiptStore store = RocksReceiptStore.open(root.resolve("ledger"))) {
      NoteSigner key = NoteSigner.of("bench", Ed25519Key.generate());
      TransparencyLog log = TransparencyLog.attach(store, "bench", key, new FileSignedHeads(root.resolve("heads")))
          .orElseThrow();
      long started = System.nanoTime();
      String prev = Receipt.GENESIS_HASH;
      for (int seq = 0; seq < count; ) {
        List<Receipt> batch = new ArrayList<>(1000);
        for (int i = 0; i < 1000 && seq < count; i++) {
          Receipt r = ReceiptHasher.seal(Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", "stable")
              .reason("cpu").signal("cpu", 40.0 + seq % 50, 1769400000000L + seq).policy("base@1")
              .timestamp(1769400000000L + seq).build(), ++seq, prev);
          prev = r.hash();
          batch.add(r);
        }
        store.append(batch, false);
      }
      System.out.printf("appended %d receipts (sealing included) in %.1f s%n", count,
          (System.nanoTime() - started) / 1e9);
      var sst = store.compactedBytesByFamily();
      System.out.printf("after compaction: tlog family %.1f B per receipt; all families %.1f B per receipt %s%n",
          sst.get("tlog") / (double) count,
          sst.values().stream().mapToLong(Long::longValue).sum() / (double) count, sst);
      String note = log.checkpoint(tenant).orElseThrow();
      Random random = new Random(7);
      for (int round = 0; round < 2; round++) {
        Histogram proof = new Histogram(3);
        for (int i = 0; i < 100_000; i++) {
          long index = random.nextInt(count);
          long t0 = System.nanoTime();
          log.inclusion(tenant, index, note).format();
          proof.recordValue(System.nanoTime() - t0);
        }
        System.out.printf("inclusion proof at %d (round %d): p50 %.1f us, p99 %.1f us, max %.1f us%n", count, round,
            proof.getValueAtPercentile(50) / 1e3, proof.getValueAtPercentile(99) / 1e3, proof.getMaxValue() / 1e3);
      }
      LogSource local = new LogSource() {
        @Override
        public String checkpoint() {
          return note;
        }

        @Override
        public List<Receipt> receipts(long afterSeq, int limit) {
          return store.page(tenant, afterSeq, limit);
        }

        @Override
        public byte[] tile(TilePath path) throws IOException {
          return log.tile(tenant, path).orElse(null);
        }
      };
      for (int round = 0; round < 2; round++) {
        long t0 = System.nanoTime();
        LogAudit.Result result = LogAudit.run(local, tenant, key.verifier(), Optional.empty());
        System.out.printf("audit of %d receipts (round %d): %s in %.1f s%n", result.receipts(), round,
            result.ok() ? "ok" : result.problem(), (System.nanoTime() - t0) / 1e9);
      }
      System.out.println("load average at end: " + loadAverage());
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** 1, 5 and 15 minutes, from /proc/loadavg; "unknown" where there is none. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
