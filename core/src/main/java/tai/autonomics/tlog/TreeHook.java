package tai.autonomics.tlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Grows each tenant's tree inside the ledger's write of its receipts: per tenant and batch one {@link TileAppender}
 * append (O(log n) hashes per receipt, only the tiles those land in are touched), written as appended bytes, plus the
 * tree's new {@link TreeState} and, for each receipt that starts an entry bundle, its seq. The receipts and the tree
 * are thus always the same size after a crash. It remembers which tenants grew, for the next signing.
 */
final class TreeHook implements CommitHook {
  private final ReceiptStore store;
  private final Set<String> grown = ConcurrentHashMap.newKeySet();

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
  public List<Write> adding(List<Receipt> stored, Reader side) {
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
      throw new UncheckedIOException(e);
    }
    grown.addAll(byTenant.keySet());
    return writes;
  }

  private void append(String tenant, List<Receipt> receipts, Reader side, List<Write> writes) throws IOException {
    TreeState state = TreeState.decode(side.get(TreeState.Keys.state(tenant)));
    List<Receipt> covered = receipts;
    if (!receipts.get(0).prevHash().equals(state.lastHash())) {
      covered = new ArrayList<>(uncovered(tenant, state));
      covered.addAll(receipts);
    }
    List<byte[]> entries = new ArrayList<>(covered.size());
    for (Receipt r : covered) {
      entries.add(entry(r));
    }
    TileStore tiles = (level, index) -> side.get(TreeState.Keys.tile(tenant, level, index));
    TileAppender.Appended appended = TileAppender.append(tiles, state.size(), entries);
    for (Map.Entry<TilePath, byte[]> t : appended.tiles().entrySet()) {
      TilePath path = t.getKey();
      int from = appended.oldWidths().get(path) * Merkle.HASH_SIZE;
      writes.add(new Write(TreeState.Keys.tile(tenant, path.level(), path.index()),
          Arrays.copyOfRange(t.getValue(), from, t.getValue().length), true));
    }
    for (int i = 0; i < covered.size(); i++) {
      long index = state.size() + i;
      if (index % TilePath.FULL_WIDTH == 0) {
        writes.add(new Write(TreeState.Keys.bundleStart(tenant, index / TilePath.FULL_WIDTH),
            ByteBuffer.allocate(8).putLong(covered.get(i).seq()).array(), false));
      }
    }
    Receipt last = covered.get(covered.size() - 1);
    writes.add(new Write(TreeState.Keys.state(tenant),
        new TreeState(appended.size(), last.seq(), entries.get(entries.size() - 1), appended.root()).encode(), false));
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
