package tai.autonomics.tlog;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends a batch of entries to a tiled tree without reading more than it must: each entry adds its leaf hash and
 * one hash per subtree it completes (at most 1 + log2 n, two on average, as Go's {@code tlog.StoredHashes}), each
 * from one earlier hash, and only the tiles those hashes land in are rewritten. Nothing is ever recomputed from the
 * whole log. The result is pure: the caller writes its tiles in the same atomic write as the receipts, so after a
 * crash the tiles and the receipts always cover the same size.
 */
public final class TileAppender {
  private record Coord(int level, long index) {}

  /**
   * The tree after an append.
   *
   * @param size the new tree size
   * @param root the new root
   * @param tiles every hash tile whose content changed, at its new width, to write (a store keeps one per level and
   *     index, the widest)
   * @param oldWidths for each of {@code tiles}, how many of its leading hashes the store already held (0 for a new
   *     tile): a store that appends hashes instead of rewriting whole tiles writes only the bytes after those
   */
  public record Appended(long size, byte[] root, Map<TilePath, byte[]> tiles, Map<TilePath, Integer> oldWidths) {
    public Appended {
      tiles = Map.copyOf(tiles);
      oldWidths = Map.copyOf(oldWidths);
    }
  }

  private TileAppender() {}

  /**
   * Appends {@code entries} (each a receipt's 32-byte hash) to the tree of {@code size} leaves held by {@code store}.
   * Throws {@link java.util.NoSuchElementException} when the store lacks a tile the tree of that size has.
   */
  public static Appended append(TileStore store, long size, List<byte[]> entries) throws IOException {
    TileHashReader stored = new TileHashReader(store, size);
    Map<Coord, byte[]> added = new HashMap<>();
    HashReader reader = (level, index) -> {
      byte[] h = added.get(new Coord(level, index));
      return h != null ? h : stored.readHash(level, index);
    };
    long n = size;
    for (byte[] entry : entries) {
      byte[] h = Merkle.leafHash(entry);
      added.put(new Coord(0, n), h);
      // each trailing 1 bit of n closes a subtree: its left half is the earlier hash at that level
      for (int level = 0; ((n >>> level) & 1) == 1; level++) {
        h = Merkle.nodeHash(reader.readHash(level, (n >>> level) - 1), h);
        added.put(new Coord(level + 1, n >>> (level + 1)), h);
      }
      n++;
    }
    Map<TilePath, Integer> oldWidths = new LinkedHashMap<>();
    Map<TilePath, byte[]> tiles = changedTiles(store, size, n, added, oldWidths);
    return new Appended(n, MerkleProofs.treeHash(n, reader), tiles, oldWidths);
  }

  private static Map<TilePath, byte[]> changedTiles(TileStore store, long oldSize, long newSize,
      Map<Coord, byte[]> added, Map<TilePath, Integer> oldWidths) throws IOException {
    Map<TilePath, byte[]> tiles = new LinkedHashMap<>();
    for (int level = 0; TilePath.countAt(level, newSize) > TilePath.countAt(level, oldSize); level++) {
      long oldCount = TilePath.countAt(level, oldSize);
      long newCount = TilePath.countAt(level, newSize);
      int treeLevel = TilePath.HEIGHT * level;
      for (long t = oldCount >>> TilePath.HEIGHT; t <= (newCount - 1) >>> TilePath.HEIGHT; t++) {
        int oldWidth = TilePath.widthIn(level, t, oldSize);
        int width = TilePath.widthIn(level, t, newSize);
        byte[] tile = new byte[width * Merkle.HASH_SIZE];
        if (oldWidth > 0) {
          byte[] old = store.readTile(level, t);
          if (old == null || old.length < oldWidth * Merkle.HASH_SIZE) {
            throw new java.util.NoSuchElementException("tile " + level + "/" + t + " is missing from the store");
          }
          System.arraycopy(old, 0, tile, 0, oldWidth * Merkle.HASH_SIZE);
        }
        for (int w = oldWidth; w < width; w++) {
          byte[] h = added.get(new Coord(treeLevel, t * TilePath.FULL_WIDTH + w));
          System.arraycopy(h, 0, tile, w * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
        TilePath path = TilePath.hashes(level, t, width);
        tiles.put(path, tile);
        oldWidths.put(path, oldWidth);
      }
    }
    return tiles;
  }
}
