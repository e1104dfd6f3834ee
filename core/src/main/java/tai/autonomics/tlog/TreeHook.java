package tai.autonomics.tlog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * Grows each tenant's tree inside the ledger's write of its receipts. Per tenant it keeps the tree's {@link TreeEdge}
 * and its partial level-0 tile in memory, and writes only what a completed tile makes: the full level-0 tile, the
 * hashes it adds to the tiles above, the seq each entry bundle starts at, and the {@link TreeState} at that tile's
 * end, all in the same write as the receipt that completes it. The tail after it needs no row: its leaves are the
 * receipts' hashes ({@link TreeTail}). So the tree costs about three rows per tenant and 256 receipts, not two per
 * tenant and write: with it, LedgerBenchmark's durable throughput (on tmpfs, where CPU and not fsync bounds it;
 * -Dbench.tlog=false/true alternated) is 8 % below the ledger without the tree (medians of 7 rounds, 44.2k and 40.5k
 * receipts/s), where writing both rows took 28 % off. It remembers which tenants grew, for the next signing.
 */
final class TreeHook implements CommitHook {
  private final Set<String> grown = ConcurrentHashMap.newKeySet();
  /** Trees by tenant, as the writer left them; bounded (LRU): a tenant's edge and partial tile take 10 KiB at most. */
  private final Map<String, CachedTree> trees = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CachedTree> eldest) {
      return size() > CACHED_TREES;
    }
  };
  private static final int CACHED_TREES = 4096;

  /**
   * A tenant's tree after the last write the hook gave rows to, which may have failed. {@code lastHash} tells: the
   * cache is used only for a receipt that links to it, so a failed write, or another writer of a shared store,
   * sends the next write back to what is stored.
   */
  private static final class CachedTree {
    final TreeEdge edge;
    /**
     * Grows as leaves come, to a full tile's 8 KiB: a tenant with a few receipts holds a few hashes. Allocated whole,
     * 4,096 new tenants' 8 KiB each made bench_memory_stability (quick) see 1.1-1.7 MB/s of heap growth; now 0.33.
     */
    byte[] partialTile = new byte[0];
    TreeState stored;
    long lastSeq;
    String lastHash;

    CachedTree(TreeEdge edge, TreeState stored) {
      this.edge = edge;
      this.stored = stored;
      this.lastSeq = stored.lastSeq();
      this.lastHash = HexFormat.of().formatHex(stored.lastEntry());
    }

    void leaf(int slot, byte[] hash) {
      int end = (slot + 1) * Merkle.HASH_SIZE;
      if (end > partialTile.length) {
        int full = TilePath.FULL_WIDTH * Merkle.HASH_SIZE;
        partialTile = Arrays.copyOf(partialTile, Math.min(full, Math.max(end, partialTile.length * 2)));
      }
      System.arraycopy(hash, 0, partialTile, end - Merkle.HASH_SIZE, Merkle.HASH_SIZE);
    }
  }

  /** The tenants whose tree grew since the last call (a failed write may leave one here: signing re-reads). */
  List<String> drainGrown() {
    List<String> out = new ArrayList<>(grown);
    grown.removeAll(out);
    return out;
  }

  /**
   * The tenant's tree as the hook's last write left it, when the store's {@code head} shows that write committed: a
   * signing then reads no receipts back (TreeTail's read was half the signing's CPU under /pubsub load). Empty after
   * a failed write, another node's, or an eviction: the caller reads the stored tree.
   */
  synchronized Optional<TreeTail> committed(String tenant, Optional<ReceiptStore.TenantHead> head) {
    CachedTree tree = trees.get(tenant);
    boolean written = tree != null && head.isPresent() && head.get().seq() == tree.lastSeq
        && head.get().hash().equals(tree.lastHash);
    if (!written) {
      return Optional.empty();
    }
    int leaves = (int) (tree.edge.size() - tree.stored.size());
    byte[] partial = Arrays.copyOf(tree.partialTile, leaves * Merkle.HASH_SIZE);
    return Optional.of(new TreeTail(tree.stored, tree.lastSeq, partial));
  }

  @Override
  public synchronized List<Write> adding(List<Receipt> stored, Reader side) {
    Map<String, List<Receipt>> byTenant = new LinkedHashMap<>();
    for (Receipt r : stored) {
      byTenant.computeIfAbsent(r.tenantId(), t -> new ArrayList<>()).add(r);
    }
    List<Write> writes = new ArrayList<>();
    try {
      for (Map.Entry<String, List<Receipt>> e : byTenant.entrySet()) {
        append(e.getKey(), e.getValue(), side, writes);
      }
    } catch (IOException e) {
      trees.clear(); // an append that throws half-way may leave a tree changed: the next writes re-read them all
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      trees.clear();
      throw e;
    }
    grown.addAll(byTenant.keySet());
    return writes;
  }

  private void append(String tenant, List<Receipt> receipts, Reader side, List<Write> writes) throws IOException {
    CachedTree tree = trees.get(tenant);
    List<Receipt> covered = receipts;
    if (tree == null || !tree.lastHash.equals(receipts.get(0).prevHash())) {
      TreeState state = TreeState.decode(side.get(TreeState.Keys.state(tenant)));
      TileStore tiles = (level, index) -> side.get(TreeState.Keys.tile(tenant, level, index));
      tree = new CachedTree(TreeEdge.read(state.size(), new TileHashReader(tiles, state.size())), state);
      trees.put(tenant, tree);
      // the tail after the stored tree (and, for a ledger written before its tree existed, the rest)
      covered = new ArrayList<>(before(receipts.get(0), state.lastSeq(), side));
      covered.addAll(receipts);
    }
    // hashes of stored levels above 0 (every 8th) go to their tiles: appended to a tile, or a new tile put
    Map<Long, ByteArrayOutputStream> tileBytes = new LinkedHashMap<>();
    Map<Long, Boolean> tileIsNew = new HashMap<>();
    CachedTree growing = tree;
    TreeEdge.Added added = (level, index, hash) -> {
      int slot = (int) (index & (TilePath.FULL_WIDTH - 1));
      if (level == 0) {
        growing.leaf(slot, hash);
      } else if (level % TilePath.HEIGHT == 0) {
        long tile = ((long) (level / TilePath.HEIGHT) << 56) | (index >>> TilePath.HEIGHT);
        tileBytes.computeIfAbsent(tile, t -> {
          tileIsNew.put(t, slot == 0);
          return new ByteArrayOutputStream();
        }).writeBytes(hash);
      }
    };
    TreeState completed = null;
    for (Receipt r : covered) {
      long index = tree.edge.size();
      if (index % TilePath.FULL_WIDTH == 0) {
        writes.add(new Write(TreeState.Keys.bundleStart(tenant, index / TilePath.FULL_WIDTH),
            ByteBuffer.allocate(8).putLong(r.seq()).array(), false));
      }
      byte[] entry = entry(r);
      tree.edge.append(entry, added);
      tree.lastSeq = r.seq();
      tree.lastHash = r.hash();
      if (tree.edge.size() % TilePath.FULL_WIDTH == 0) {
        writes.add(new Write(TreeState.Keys.tile(tenant, 0, index / TilePath.FULL_WIDTH), tree.partialTile.clone(),
            false));
        completed = new TreeState(tree.edge.size(), r.seq(), entry);
        tree.stored = completed;
      }
    }
    for (Map.Entry<Long, ByteArrayOutputStream> t : tileBytes.entrySet()) {
      int tileLevel = (int) (t.getKey() >>> 56);
      long tileIndex = t.getKey() & ((1L << 56) - 1);
      // a new tile is put, a wider one appended to: a read then stops at the put instead of searching every level
      // for a base value under its merge operands (that search made the tlog's reads cost as much as the write)
      writes.add(new Write(TreeState.Keys.tile(tenant, tileLevel, tileIndex), t.getValue().toByteArray(),
          !tileIsNew.get(t.getKey())));
    }
    if (completed != null) {
      writes.add(new Write(TreeState.Keys.state(tenant), completed.encode(), false));
    }
  }

  // the tenant's stored receipts after seq and before the batch's first (a transaction may already hold the batch)
  private static List<Receipt> before(Receipt first, long seq, Reader side) {
    List<Receipt> out = new ArrayList<>();
    for (long after = seq; ; ) {
      List<Receipt> page = side.page(first.tenantId(), after, 1000);
      for (Receipt r : page) {
        if (r.seq() >= first.seq()) {
          return out;
        }
        out.add(r);
      }
      if (page.size() < 1000) {
        return out;
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  /** Entry i of a tenant's log: the 32 raw bytes of its receipt i's hash. */
  static byte[] entry(Receipt receipt) {
    return HexFormat.of().parseHex(receipt.hash());
  }
}
