package tai.autonomics.tlog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serving tiles and computing them from nothing but the entries. The from-scratch form is the audit's reference (and
 * the tests'): it shares no code with {@link TileAppender}, so a tile both agree on is right.
 */
public final class Tiles {
  private Tiles() {}

  /**
   * The bytes of hash tile {@code path} for a tree of {@code size} leaves, or empty when the tree does not have that
   * tile at that width (a 404). A partial tile is served as the prefix of the wider stored one.
   */
  public static Optional<byte[]> serve(TileStore store, TilePath path, long size) throws IOException {
    if (path.isEntries()) {
      throw new IllegalArgumentException("entry bundles are encoded from the entries, not read from tiles");
    }
    if (TilePath.widthIn(path.level(), path.index(), size) < path.width()) {
      return Optional.empty();
    }
    byte[] stored = store.readTile(path.level(), path.index());
    int length = path.width() * Merkle.HASH_SIZE;
    if (stored == null || stored.length < length) {
      throw new IOException("the store lacks tile " + path + " of a tree of " + size);
    }
    return Optional.of(stored.length == length ? stored : Arrays.copyOf(stored, length));
  }

  /** Every tile (full and partial) of the tree over {@code entries}, computed level by level from the leaves. */
  public static Map<TilePath, byte[]> fromScratch(List<byte[]> entries) {
    Map<TilePath, byte[]> tiles = new LinkedHashMap<>();
    List<byte[]> level = new ArrayList<>(entries.size());
    for (byte[] e : entries) {
      level.add(Merkle.leafHash(e));
    }
    for (int l = 0; !level.isEmpty(); l++) {
      List<byte[]> up = new ArrayList<>(level.size() / TilePath.FULL_WIDTH);
      for (int start = 0; start < level.size(); start += TilePath.FULL_WIDTH) {
        List<byte[]> hashes = level.subList(start, Math.min(level.size(), start + TilePath.FULL_WIDTH));
        byte[] tile = new byte[hashes.size() * Merkle.HASH_SIZE];
        for (int i = 0; i < hashes.size(); i++) {
          System.arraycopy(hashes.get(i), 0, tile, i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
        tiles.put(TilePath.hashes(l, start / TilePath.FULL_WIDTH, hashes.size()), tile);
        if (hashes.size() == TilePath.FULL_WIDTH) {
          // only full tiles are hashed into the level above
          up.add(Merkle.rootOf(hashes));
        }
      }
      level = up;
    }
    return tiles;
  }
}
