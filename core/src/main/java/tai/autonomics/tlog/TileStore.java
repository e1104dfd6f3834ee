package tai.autonomics.tlog;

import java.io.IOException;

/**
 * Where a log keeps its hash tiles: the ledger implements it over RocksDB or PostgreSQL, beside the receipts. A store
 * keeps one value per (level, index), the widest version written so far; a narrower partial tile is a prefix of it,
 * so a partial tile of any checkpointed size can be served without keeping every version. Tiles only ever grow, and
 * are written in the same atomic write as the receipts they cover. The partial level-0 tile is not stored: its hashes
 * are those of the receipts after the last full one ({@link TreeTail}).
 *
 * <p>Entry bundles are not stored: the entries are the receipts' hashes, which the receipts already hold, and a
 * second copy would cost 34 bytes per receipt against a budget of 40; {@link EntryBundle} encodes them on demand.
 */
public interface TileStore {
  /** The stored bytes of hash tile (level, index), 32 bytes per hash; null when none is stored. */
  byte[] readTile(int level, long index) throws IOException;
}
