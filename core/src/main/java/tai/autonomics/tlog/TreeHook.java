package tai.autonomics.tlog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * Grows each tenant's tree inside the ledger's write of its receipts: per tenant and batch, the new hashes (O(log n)
 * per receipt, two on average) from its {@link TreeEdge}, kept in memory between writes, written as bytes appended
 * to the tiles they land in, plus the tree's new {@link TreeState} and, for each receipt that starts an entry
 * bundle, its seq. The receipts and the tree are thus always the same size after a crash. Keeping the edge instead
 * of reading it back from the tiles in every write cut the ledger's CPU per receipt with the tree by 39 %
 * (LedgerBenchmark 8 durable -Dbench.tlog=true: 65.8 to 40.0 µs, 14,220 to 27,094 receipts/s). Keeping the tree's
 * state too, while the writes follow each other (see {@link #nextSeq}), saves a read per tenant and write: the
 * tree's extra CPU per receipt went from +10.1 to +7.9 µs (same benchmark, medians of 5 alternated rounds on a
 * shared machine, 2026-12-03; most of the rest is RocksDB's, inserting the tile and state rows in its memtable). It
 * remembers which tenants grew, for the next signing.
 */
final class TreeHook implements CommitHook {
  private final ReceiptStore store;
  private final Set<String> grown = ConcurrentHashMap.newKeySet();
  /** Trees by tenant, as the writer left them; bounded (LRU), as a tenant's edge is at most 64 hashes. */
  private final Map<String, CachedTree> trees = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CachedTree> eldest) {
      return size() > CACHED_TREES;
    }
  };
  private static final int CACHED_TREES = 16_384;
  /**
   * The seq the next write starts at if every write so far landed, 0 when not known. A store gives the hook
   * gap-free seqs and reuses them after a failed write; another writer of a shared store (a cluster's other
   * nodes) takes seqs from the same counter. So a write that starts elsewhere follows a failed write or another
   * writer's, and every cached tree is then checked against its stored state before it is used again.
   */
  private long nextSeq;
  /** Raised whenever a write does not start at nextSeq; a cached tree of an older epoch is checked before use. */
  private long epoch;

  private record CachedTree(TreeState state, TreeEdge edge, long epoch) {}

  TreeHook(ReceiptStore store) {
    this.store = store;
  }

  /** The tenants whose tree grew since the last call (a failed write may leave one here: signing re-reads). */
  List<String> drainGrown() {
    List<String> out = new ArrayList<>(grown);
    grown.removeAll(out);
    return out;
  }

  @Override
  public synchronized List<Write> adding(List<Receipt> stored, Reader side) {
    Map<String, List<Receipt>> byTenant = new LinkedHashMap<>();
    for (Receipt r : stored) {
      byTenant.computeIfAbsent(r.tenantId(), t -> new ArrayList<>()).add(r);
    }
    List<Write> writes = new ArrayList<>();
    if (stored.isEmpty()) {
      return writes;
    }
    if (stored.get(0).seq() != nextSeq) {
      epoch++;
    }
    nextSeq = 0; // until this call returns: one that throws leaves it unknown
    try {
      for (Map.Entry<String, List<Receipt>> e : byTenant.entrySet()) {
        append(e.getKey(), e.getValue(), side, writes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    grown.addAll(byTenant.keySet());
    nextSeq = stored.get(stored.size() - 1).seq() + 1;
    return writes;
  }

  private void append(String tenant, List<Receipt> receipts, Reader side, List<Write> writes) throws IOException {
    // taken out while the edge changes: an append that throws half-way leaves nothing cached
    CachedTree cached = trees.remove(tenant);
    TreeState state = cached != null && cached.epoch() == epoch
        ? cached.state() : TreeState.decode(side.get(TreeState.Keys.state(tenant)));
    List<Receipt> covered = receipts;
    if (!receipts.get(0).prevHash().equals(state.lastHash())) {
      covered = new ArrayList<>(uncovered(tenant, state));
      covered.addAll(receipts);
    }
    TreeEdge edge = edgeOf(tenant, state, cached, side);
    // the hashes of stored levels (every 8th) go to their tiles: bytes appended to a tile, or a new tile put
    Map<Long, ByteArrayOutputStream> tileBytes = new LinkedHashMap<>();
    Map<Long, Boolean> tileIsNew = new HashMap<>();
    TreeEdge.Added added = (level, index, hash) -> {
      if (level % TilePath.HEIGHT == 0) {
        long tile = ((long) (level / TilePath.HEIGHT) << 56) | (index >>> TilePath.HEIGHT);
        tileBytes.computeIfAbsent(tile, t -> {
          tileIsNew.put(t, (index & (TilePath.FULL_WIDTH - 1)) == 0);
          return new ByteArrayOutputStream();
        }).writeBytes(hash);
      }
    };
    byte[] lastEntry = null;
    for (Receipt r : covered) {
      lastEntry = entry(r);
      edge.append(lastEntry, added);
    }
    for (Map.Entry<Long, ByteArrayOutputStream> t : tileBytes.entrySet()) {
      int tileLevel = (int) (t.getKey() >>> 56);
      long tileIndex = t.getKey() & ((1L << 56) - 1);
      // a new tile is put, a wider one appended to: a read then stops at the put instead of searching every level
      // for a base value under its merge operands (that search made the tlog's reads cost as much as the write)
      writes.add(new Write(TreeState.Keys.tile(tenant, tileLevel, tileIndex), t.getValue().toByteArray(),
          !tileIsNew.get(t.getKey())));
    }
    for (int i = 0; i < covered.size(); i++) {
      long index = state.size() + i;
      if (index % TilePath.FULL_WIDTH == 0) {
        writes.add(new Write(TreeState.Keys.bundleStart(tenant, index / TilePath.FULL_WIDTH),
            ByteBuffer.allocate(8).putLong(covered.get(i).seq()).array(), false));
      }
    }
    Receipt last = covered.get(covered.size() - 1);
    TreeState grown = new TreeState(edge.size(), last.seq(), lastEntry);
    writes.add(new Write(TreeState.Keys.state(tenant), grown.encode(), false));
    trees.put(tenant, new CachedTree(grown, edge, epoch));
  }

  /**
   * The tenant's tree edge: the one cached after the last append when {@code state} is still the one it grew to
   * (a failed write, or another writer, leaves them apart), else read once from the stored tiles.
   */
  private static TreeEdge edgeOf(String tenant, TreeState state, CachedTree cached, Reader side)
      throws IOException {
    if (cached != null && cached.state().size() == state.size() && cached.state().lastSeq() == state.lastSeq()) {
      return cached.edge();
    }
    TileStore tiles = (level, index) -> side.get(TreeState.Keys.tile(tenant, level, index));
    return TreeEdge.read(state.size(), new TileHashReader(tiles, state.size()));
  }

  // the tenant's stored receipts after the tree's last one: a ledger written before its tree existed
  private List<Receipt> uncovered(String tenant, TreeState state) {
    List<Receipt> out = new ArrayList<>();
    for (long after = state.lastSeq(); ; ) {
      List<Receipt> page = store.page(tenant, after, 1000);
      out.addAll(page);
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
