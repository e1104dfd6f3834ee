package tai.autonomics.tlog;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads any stored hash of a tree of a given size out of its tiles: a hash at level 8L + s is the root of 2^s
 * consecutive hashes of a level-L tile, so it is either in a tile or recomputed from at most 255 of them (what Go's
 * {@code tlog.HashFromTile} does). Only hashes of complete subtrees inside the tree are answered, so a reader for an
 * older size never sees hashes appended later. An instance caches a few tiles and is meant for one request or one
 * append, on one thread.
 */
public final class TileHashReader implements HashReader {
  private static final int CACHED_TILES = 16;

  private record Key(int level, long index) {}

  private final TileStore store;
  private final long size;
  private final Map<Key, byte[]> cache =
      new LinkedHashMap<>(CACHED_TILES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
          return size() > CACHED_TILES;
        }
      };

  public TileHashReader(TileStore store, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("tree size must not be negative");
    }
    this.store = store;
    this.size = size;
  }

  public long size() {
    return size;
  }

  @Override
  public byte[] readHash(int level, long index) throws IOException {
    if (level < 0 || level >= Long.SIZE - 1 || index < 0 || index >= (size >>> level)) {
      throw new NoSuchElementException("no complete subtree " + level + "/" + index + " in a tree of " + size);
    }
    int tileLevel = level / TilePath.HEIGHT;
    int sub = level % TilePath.HEIGHT;
    long first = index << sub; // the first tile-level hash under this one
    long tileIndex = first >>> TilePath.HEIGHT;
    int offset = (int) (first & (TilePath.FULL_WIDTH - 1));
    int count = 1 << sub;
    byte[] tile = tile(tileLevel, tileIndex);
    if (tile == null || tile.length < (offset + count) * Merkle.HASH_SIZE) {
      throw new NoSuchElementException(
          "tile " + tileLevel + "/" + tileIndex + " is missing or narrower than the tree of " + size + " needs");
    }
    return subtree(tile, offset, count);
  }

  private byte[] tile(int level, long index) throws IOException {
    Key key = new Key(level, index);
    byte[] tile = cache.get(key);
    if (tile == null) {
      tile = store.readTile(level, index);
      if (tile != null) {
        cache.put(key, tile);
      }
    }
    return tile;
  }

  // the root of the complete subtree over count (a power of two) hashes of a tile
  static byte[] subtree(byte[] tile, int offset, int count) {
    if (count == 1) {
      byte[] h = new byte[Merkle.HASH_SIZE];
      System.arraycopy(tile, offset * Merkle.HASH_SIZE, h, 0, Merkle.HASH_SIZE);
      return h;
    }
    int half = count / 2;
    return Merkle.nodeHash(subtree(tile, offset, half), subtree(tile, offset + half, half));
  }
}
