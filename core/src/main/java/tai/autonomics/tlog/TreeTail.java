package tai.autonomics.tlog;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.Receipt;

/**
 * A tenant's tree as it stands for a reader: the stored part ({@link TreeState}, up to its last full level-0 tile) and
 * the tail after it, fewer than 256 leaves, whose hashes come from the receipts themselves (their hashes are the
 * entries). The store keeps no partial level-0 tile: rewriting it in every write cost a row per tenant and commit.
 *
 * @param base the stored tree
 * @param lastSeq the seq of the last receipt the tree covers
 * @param leaves the leaf hashes of the tail, 32 bytes each: the partial level-0 tile
 */
record TreeTail(TreeState base, long lastSeq, byte[] leaves) {
  /** The number of receipts the tree covers. */
  long size() {
    return base.size() + leaves.length / Merkle.HASH_SIZE;
  }

  /** The tree's hash tiles: the stored ones and, at the tail's index, the partial level-0 tile. */
  TileStore tiles(TileStore stored) {
    long tailTile = base.size() / TilePath.FULL_WIDTH;
    return (level, index) -> level == 0 && index == tailTile ? (leaves.length == 0 ? null : leaves)
        : stored.readTile(level, index);
  }

  /**
   * The tails readers last saw, by tenant: a tail only grows until the next full tile is stored, so a read fetches
   * just the receipts written since. Bounded (LRU, 1024 tenants of at most 8 KiB).
   */
  static final class Cache {
    private static final int CACHED_TAILS = 1024;
    private final Map<String, TreeTail> tails = Collections.synchronizedMap(
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, TreeTail> eldest) {
            return size() > CACHED_TAILS;
          }
        });

    /** The tenant's tree as committed now. */
    TreeTail of(String tenant, CommitHook.Reader side) {
      TreeState base = TreeState.decode(side.get(TreeState.Keys.state(tenant)));
      TreeTail cached = tails.get(tenant);
      TreeTail tail = cached != null && cached.base().size() == base.size() && cached.base().lastSeq() == base.lastSeq()
          ? cached : new TreeTail(base, base.lastSeq(), new byte[0]);
      int room = TilePath.FULL_WIDTH - 1 - tail.leaves().length / Merkle.HASH_SIZE;
      // more than fit means the next tile was stored since the state was read (the next read sees it), or a ledger
      // written before its tree existed, which the next append covers: either way a prefix of the chain, a tree
      List<Receipt> added = room == 0 ? List.of() : side.page(tenant, tail.lastSeq(), room);
      if (added.isEmpty()) {
        if (tail.size() > 0) { // a tenant without receipts (any id a reader asks for) takes no room
          tails.put(tenant, tail);
        }
        return tail;
      }
      byte[] leaves = Arrays.copyOf(tail.leaves(), tail.leaves().length + added.size() * Merkle.HASH_SIZE);
      for (int i = 0; i < added.size(); i++) {
        byte[] leaf = Merkle.leafHash(TreeHook.entry(added.get(i)));
        System.arraycopy(leaf, 0, leaves, tail.leaves().length + i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
      }
      TreeTail grown = new TreeTail(base, added.get(added.size() - 1).seq(), leaves);
      tails.put(tenant, grown);
      return grown;
    }
  }
}
