package tai.autonomics.tlog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hashes of complete subtrees of 16 leaves and more, by tenant, level and index. A tile stores every 8th level; a
 * hash between is recomputed from up to 255 hashes of its tile, and a proof needs about 20 of them: with these cached,
 * a proof at a million receipts costs ~20 tile reads instead of ~800 SHA-256 (measured in {@code TlogBenchmark}). A
 * complete subtree's hash never changes, so an entry is never stale. Bounded (LRU, 2^17 entries, a few MB).
 */
final class SubtreeCache {
  private static final int CACHED_SUBTREES = 1 << 17;
  private static final int CACHED_FROM_LEVEL = 4;

  private record CachedHash(String tenant, int level, long index) {}

  private final Map<CachedHash, byte[]> subtrees = Collections.synchronizedMap(
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CachedHash, byte[]> eldest) {
          return size() > CACHED_SUBTREES;
        }
      });

  /** The hashes of {@code tenant}'s tree of {@code size} leaves, read from its tiles through the cache. */
  HashReader reader(String tenant, TileStore tiles, long size) {
    TileHashReader tileHashes = new TileHashReader(tiles, size);
    return (level, index) -> {
      if (level < CACHED_FROM_LEVEL || level % TilePath.HEIGHT == 0 || index < 0 || index >= (size >>> level)) {
        return tileHashes.readHash(level, index); // stored as is in a tile, or not in the tree (it throws)
      }
      CachedHash key = new CachedHash(tenant, level, index);
      byte[] hash = subtrees.get(key);
      if (hash == null) {
        hash = tileHashes.readHash(level, index);
        subtrees.put(key, hash);
      }
      return hash;
    };
  }
}
