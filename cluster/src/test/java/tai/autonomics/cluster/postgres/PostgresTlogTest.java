package tai.autonomics.cluster.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.cluster.TestPostgres;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.tlog.Checkpoint;
import tai.autonomics.tlog.Ed25519Key;
import tai.autonomics.tlog.FileSignedHeads;
import tai.autonomics.tlog.MerkleVerifier;
import tai.autonomics.tlog.NoteSigner;
import tai.autonomics.tlog.SignedHeads;
import tai.autonomics.tlog.TilePath;
import tai.autonomics.tlog.Tiles;
import tai.autonomics.tlog.TransparencyLog;

/**
 * A tenant's tree in PostgreSQL, grown in each commit's transaction: two nodes on one database (a failover, and then
 * both writing at once, re-linking each other's receipts) leave one tree equal to the chain, and the checkpoint the
 * second node signs is consistent with the one the first signed before the move. The nodes sign against the heads
 * kept in PostgreSQL, with the one key the logs were first signed with.
 */
class PostgresTlogTest {
  static final String TENANT = "t-moving";
  @TempDir Path dir;

  static List<Receipt> drafts(int count, long guessedSeq, String guessedPrev) {
    List<Receipt> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Receipt sealed = ReceiptHasher.seal(Receipt.draft(ReceiptType.TRANSITION, TENANT).states("stable", "stable")
          .reason("ok").signal("cpu", 10.0 + i, null).policy("base@1").build(), ++guessedSeq, guessedPrev);
      guessedPrev = sealed.hash();
      out.add(sealed);
    }
    return out;
  }

  @Test
  void theTreeContinuesAcrossAFailoverAndConcurrentWriters() throws Exception {
    PostgresSettings settings = TestPostgres.get().settings();
    NoteSigner key = NoteSigner.of("autonomics.cluster", Ed25519Key.generate());
    try (PostgresReceiptStore first = PostgresReceiptStore.open(settings);
        PostgresReceiptStore second = PostgresReceiptStore.open(settings)) {
      TransparencyLog a = TransparencyLog.attach(first, "autonomics.cluster", key,
          new FileSignedHeads(dir.resolve("a"))).orElseThrow();
      TransparencyLog b = TransparencyLog.attach(second, "autonomics.cluster", key,
          new FileSignedHeads(dir.resolve("b"))).orElseThrow();
      for (int i = 0; i < 5; i++) {
        first.commit(drafts(60, first.lastSeq(), first.head(TENANT).map(h -> h.hash()).orElse(Receipt.GENESIS_HASH)),
            true);
      }
      String before = a.checkpoint(TENANT).orElseThrow();
      // the tenant moves: the second node guesses stale seqs and hashes, its store re-links them
      second.commit(drafts(70, 0, Receipt.GENESIS_HASH), true);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (PostgresReceiptStore store : List.of(first, second)) {
          writers.add(pool.submit(() -> {
            for (int i = 0; i < 10; i++) {
              store.commit(drafts(7, 0, Receipt.GENESIS_HASH), true);
            }
            return null;
          }));
        }
        for (Future<?> w : writers) {
          w.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(ChainVerifier.verifyTenant(second, TENANT).valid());
      List<byte[]> entries = new ArrayList<>();
      for (Receipt r : second.page(TENANT, 0, 10_000)) {
        entries.add(HexFormat.of().parseHex(r.hash()));
      }
      assertEquals(300 + 70 + 140, entries.size());
      assertEquals(entries.size(), b.size(TENANT));
      assertEquals(entries.size(), a.size(TENANT));
      for (Map.Entry<TilePath, byte[]> tile : Tiles.fromScratch(entries).entrySet()) {
        assertArrayEquals(tile.getValue(), b.tile(TENANT, tile.getKey()).orElseThrow(), tile.getKey().toString());
      }
      String after = b.checkpoint(TENANT).orElseThrow();
      Checkpoint old = Checkpoint.open(before, a.verifier(TENANT));
      Checkpoint now = Checkpoint.open(after, b.verifier(TENANT));
      assertEquals(entries.size(), now.size());
      assertTrue(MerkleVerifier.verifyConsistency(old.size(), now.size(), old.root(), now.root(),
          b.consistency(TENANT, old.size(), now.size())));
    }
  }

  @Test
  void everyNodeSignsAgainstTheSharedHeadsWithTheOneKey() throws Exception {
    PostgresSettings settings = TestPostgres.get().settings();
    String logName = "autonomics.cluster";
    NoteSigner key = NoteSigner.of(logName, Ed25519Key.generate());
    try (PostgresReceiptStore first = PostgresReceiptStore.open(settings);
        PostgresReceiptStore second = PostgresReceiptStore.open(settings)) {
      SignedHeads firstHeads = first.signedHeads(key.verifier());
      TransparencyLog a = TransparencyLog.attach(first, logName, key, firstHeads).orElseThrow();
      first.commit(drafts(40, 0, Receipt.GENESIS_HASH), true);
      assertEquals(1, a.signGrown());
      String origin = a.origin(TENANT);
      assertEquals(40, firstHeads.last(origin).orElseThrow().size());

      // the tenant moves to the second node, which sees the head the first signed and extends it
      SignedHeads secondHeads = second.signedHeads(key.verifier());
      assertEquals(40, secondHeads.last(origin).orElseThrow().size());
      TransparencyLog b = TransparencyLog.attach(second, logName, key, secondHeads).orElseThrow();
      second.commit(drafts(25, 0, Receipt.GENESIS_HASH), true);
      assertEquals(1, b.signGrown());
      Checkpoint now = Checkpoint.open(b.checkpoint(TENANT).orElseThrow(), b.verifier(TENANT));
      assertEquals(65, now.size());
      assertEquals(65, firstHeads.last(origin).orElseThrow().size());
      // the first node serves the newest checkpoint, not the one it signed itself: the very note the second signed
      assertEquals(b.checkpoint(TENANT).orElseThrow(), a.checkpoint(TENANT).orElseThrow());

      // a late write of an older head (the first node, mid hand-over) does not move the shared head back
      firstHeads.save(new Checkpoint(origin, 40, new byte[32]));
      assertEquals(65, secondHeads.last(origin).orElseThrow().size());

      // a node configured with another key is refused at start, before it signs anything
      NoteSigner stranger = NoteSigner.of(logName, Ed25519Key.generate());
      IOException refused = assertThrows(IOException.class, () -> second.signedHeads(stranger.verifier()));
      assertTrue(refused.getMessage().contains("autonomics.ledger.log-key-file"), refused.getMessage());
    }
  }
}
