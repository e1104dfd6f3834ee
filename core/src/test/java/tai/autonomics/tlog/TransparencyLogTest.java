package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.ledger.RocksReceiptStore;

/**
 * The trees a RocksDB store grows in its writes: after batches of any size over interleaved tenants, each tenant's
 * stored tiles are exactly the tiles computed from scratch over its receipts' hashes, the entry bundles hold those
 * hashes, every receipt's index is found, and a reopened store (and one written before the tree existed) continues
 * with checkpoints consistent with the earlier ones.
 */
class TransparencyLogTest {
  @TempDir Path dir;

  static final class Chains {
    final Map<String, String> heads = new HashMap<>();
    final Map<String, List<byte[]>> entries = new HashMap<>();
    final Map<String, List<Receipt>> receipts = new HashMap<>();
    long seq;

    List<Receipt> batch(int count, int tenants) {
      List<Receipt> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String tenant = "tenant-" + ((seq * 7 + i) % tenants);
        Receipt sealed = ReceiptHasher.seal(Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", "stable")
            .reason("cpu").timestamp(1769400000000L + seq).build(), ++seq,
            heads.getOrDefault(tenant, Receipt.GENESIS_HASH));
        heads.put(tenant, sealed.hash());
        entries.computeIfAbsent(tenant, t -> new ArrayList<>()).add(TreeHook.entry(sealed));
        receipts.computeIfAbsent(tenant, t -> new ArrayList<>()).add(sealed);
        out.add(sealed);
      }
      return out;
    }
  }

  private TransparencyLog attach(RocksReceiptStore store) throws Exception {
    return TransparencyLog.attach(store, "autonomics.test", NoteSigner.of("autonomics.test", Ed25519Key.fromSeed(
        new byte[32])), new FileSignedHeads(dir.resolve("heads"))).orElseThrow();
  }

  @Test
  void treesGrowInTheWritesAndEqualTheTreesOfTheChains() throws Exception {
    Chains chains = new Chains();
    Map<String, String> signed = new HashMap<>();
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      TransparencyLog log = attach(store);
      int[] sizes = {1, 1, 3, 255, 1, 600, 2, 1000, 17};
      for (int n : sizes) {
        store.append(chains.batch(n, 3), true);
        check(log, chains);
      }
      assertEquals(3, log.signGrown());
      for (String tenant : chains.entries.keySet()) {
        signed.put(tenant, log.checkpoint(tenant).orElseThrow());
      }
    }
    // reopened: the trees continue where they were, and the next checkpoints extend the signed ones
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      TransparencyLog log = attach(store);
      check(log, chains); // read cold: the partial tiles from the receipts, with nothing in memory
      store.append(chains.batch(300, 3), true);
      check(log, chains);
      for (String tenant : chains.entries.keySet()) {
        long old = TransparencyLog.sizeOf(signed.get(tenant));
        String now = log.checkpoint(tenant).orElseThrow();
        long size = TransparencyLog.sizeOf(now);
        assertEquals(chains.entries.get(tenant).size(), size);
        Checkpoint before = Checkpoint.open(signed.get(tenant), log.verifier(tenant));
        Checkpoint after = Checkpoint.open(now, log.verifier(tenant));
        assertTrue(MerkleVerifier.verifyConsistency(old, size, before.root(), after.root(),
            log.consistency(tenant, old, size)), tenant);
      }
    }
  }

  @Test
  void aLedgerWrittenBeforeItsTreeIsCoveredByTheNextWrite() throws Exception {
    Chains chains = new Chains();
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      store.append(chains.batch(700, 2), true);
    }
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      TransparencyLog log = attach(store);
      store.append(chains.batch(10, 2), true);
      check(log, chains);
    }
  }

  /**
   * The hook keeps each tenant's tree in memory between writes. A write that fails after the hook gave its rows (the
   * disk, here a wrapper that throws) stores nothing, and the next write, the same receipts again at the same seqs,
   * must grow the trees from what is stored, not from what the failed write would have made.
   */
  @Test
  void aFailedWriteLeavesNoTreeBehindInMemory() throws Exception {
    Chains chains = new Chains();
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      TransparencyLog log = attach(store);
      TreeHook hook = new TreeHook();
      boolean[] fail = {false};
      attachFailing(store, hook, fail);
      for (int n : new int[] {5, 300, 1, 40}) {
        List<Receipt> batch = chains.batch(n, 3);
        fail[0] = true;
        assertThrows(RuntimeException.class, () -> store.append(batch, true));
        fail[0] = false;
        store.append(batch, true);
        check(log, chains);
        store.append(chains.batch(7, 3), true);
        check(log, chains);
      }
    }
  }

  /**
   * Signing takes the writer's tree from memory only when the store's head shows the write that made it committed:
   * after a failed write the head is behind the hook's tree, and the stored tree is read instead.
   */
  @Test
  void theWritersTreeIsSignedOnlyOnceItsWriteCommitted() throws Exception {
    Chains chains = new Chains();
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      TreeHook hook = new TreeHook();
      boolean[] fail = {false};
      attachFailing(store, hook, fail);
      for (int n : new int[] {5, 300, 1, 251}) {
        store.append(chains.batch(n, 2), true);
        for (String tenant : chains.entries.keySet()) {
          List<byte[]> entries = chains.entries.get(tenant);
          TreeTail tree = hook.committed(tenant, store.head(tenant)).orElseThrow();
          assertEquals(entries.size(), tree.size(), tenant);
          int width = entries.size() % 256;
          byte[] partial = width == 0 ? new byte[0]
              : Tiles.fromScratch(entries).get(TilePath.hashes(0, entries.size() / 256, width));
          assertArrayEquals(partial, tree.leaves(), tenant);
        }
        List<Receipt> lost = chains.batch(3, 1);
        fail[0] = true;
        assertThrows(RuntimeException.class, () -> store.append(lost, true));
        fail[0] = false;
        assertTrue(hook.committed(lost.get(0).tenantId(), store.head(lost.get(0).tenantId())).isEmpty());
        store.append(lost, true);
      }
    }
  }

  /** Attaches {@code hook} to {@code store} through a write that fails, after the hook gave its rows, while fail[0]. */
  private static void attachFailing(RocksReceiptStore store, TreeHook hook, boolean[] fail) {
    store.attach((stored, side) -> {
      List<tai.autonomics.ledger.CommitHook.Write> rows = hook.adding(stored, side);
      if (fail[0]) {
        throw new IllegalStateException("the disk failed");
      }
      return rows;
    });
  }

  private static void check(TransparencyLog log, Chains chains) throws Exception {
    for (Map.Entry<String, List<byte[]>> e : chains.entries.entrySet()) {
      String tenant = e.getKey();
      List<byte[]> entries = e.getValue();
      assertEquals(entries.size(), log.size(tenant), tenant);
      for (Map.Entry<TilePath, byte[]> tile : Tiles.fromScratch(entries).entrySet()) {
        assertArrayEquals(tile.getValue(), log.tile(tenant, tile.getKey()).orElseThrow(), tenant + " " + tile.getKey());
      }
      for (TilePath bundle : TilePath.tilesOf(entries.size(), true)) {
        if (bundle.isEntries()) {
          List<byte[]> got = EntryBundle.decode(log.tile(tenant, bundle).orElseThrow());
          for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(entries.get((int) bundle.index() * TilePath.FULL_WIDTH + i), got.get(i), "" + bundle);
          }
        }
      }
      List<Receipt> receipts = chains.receipts.get(tenant);
      for (int i : new int[] {0, receipts.size() / 2, receipts.size() - 1}) {
        assertEquals(i, log.indexOf(receipts.get(i)).orElseThrow(), tenant + " index " + i);
      }
      TilePath beyond = TilePath.hashes(0, entries.size() / 256, Math.min(256, entries.size() % 256 + 1));
      assertTrue(entries.size() % 256 == 0 || log.tile(tenant, beyond).isEmpty(), "a tile wider than the tree");
    }
  }
}
