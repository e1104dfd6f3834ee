package tai.autonomics.governor;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import tai.autonomics.Json;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;

/**
 * Replay speed offline, in receipts per second (goal: 100,000/s): real governors write mixed chains once, then
 * {@link GovernorReplay} replays them over and over, from receipts in memory and from their JSON lines (what
 * {@code node.jar replay --export} reads). Run (after {@code test-compile}, see README "Benchmarks"):
 * {@code java -cp ... tai.autonomics.governor.ReplayBenchmark [rounds]}.
 */
public final class ReplayBenchmark {
  private ReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    ActorTestKit testKit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    try {
      MemoryReceiptStore store = new MemoryReceiptStore();
      var ledger = testKit.spawn(Ledger.create(store,
          new LedgerSettings("memory", Path.of("unused"), false, 4096, 100_000)), "ledger");
      Map<String, List<Receipt>> chains = new ReplayChains(testKit, store, ledger, GovernorReplayTest.PACKS)
          .write("bench-", 6, 2000, 7);
      List<String> lines = new ArrayList<>();
      long receipts = 0;
      for (List<Receipt> chain : chains.values()) {
        receipts += chain.size();
        for (Receipt r : chain) {
          lines.add(Json.MAPPER.writeValueAsString(r));
        }
      }
      System.out.printf("chains: %d tenants, %d receipts%n", chains.size(), receipts);
      for (int warm = 0; warm < 3; warm++) {
        inMemory(chains);
        fromJson(lines, chains);
      }
      long t0 = System.nanoTime();
      long decisions = 0;
      for (int i = 0; i < rounds; i++) {
        decisions += inMemory(chains);
      }
      report("in memory", rounds * receipts, decisions, System.nanoTime() - t0);
      t0 = System.nanoTime();
      decisions = 0;
      for (int i = 0; i < rounds; i++) {
        decisions += fromJson(lines, chains);
      }
      report("from JSON lines", rounds * receipts, decisions, System.nanoTime() - t0);
    } finally {
      testKit.shutdownTestKit();
    }
  }

  private static long inMemory(Map<String, List<Receipt>> chains) {
    long decisions = 0;
    for (List<Receipt> chain : chains.values()) {
      GovernorReplay replay = new GovernorReplay(GovernorReplayTest.byReference(GovernorReplayTest.PACKS));
      for (Receipt r : chain) {
        if (replay.check(r).isPresent()) {
          throw new IllegalStateException("mismatch at " + r.seq());
        }
      }
      decisions += replay.decisions();
    }
    return decisions;
  }

  private static long fromJson(List<String> lines, Map<String, List<Receipt>> chains) throws Exception {
    GovernorReplay replay = null;
    String tenant = null;
    long decisions = 0;
    for (String line : lines) {
      Receipt r = Json.MAPPER.readValue(line, Receipt.class);
      if (!r.tenantId().equals(tenant)) {
        decisions += replay == null ? 0 : replay.decisions();
        replay = new GovernorReplay(GovernorReplayTest.byReference(GovernorReplayTest.PACKS));
        tenant = r.tenantId();
      }
      if (replay.check(r).isPresent()) {
        throw new IllegalStateException("mismatch at " + r.seq());
      }
    }
    return decisions + (replay == null ? 0 : replay.decisions());
  }

  private static void report(String how, long receipts, long decisions, long nanos) {
    System.out.printf("%-16s %,d receipts (%,d decisions) in %.2f s: %,.0f receipts/s%n", how, receipts, decisions,
        nanos / 1e9, receipts / (nanos / 1e9));
  }
}
