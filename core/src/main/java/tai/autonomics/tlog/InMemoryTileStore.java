package tai.autonomics.tlog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link TileStore} in a map, for tests and for audits that rebuild a log's tiles from its entries. */
public final class InMemoryTileStore implements TileStore {
  private record Key(int level, long index) {}

  private final Map<Key, byte[]> tiles = new ConcurrentHashMap<>();

  @Override
  public byte[] readTile(int level, long index) {
    byte[] tile = tiles.get(new Key(level, index));
    return tile == null ? null : tile.clone();
  }

  /** Writes the tiles an append returned; refuses a tile narrower than the one stored, which would shrink the tree. */
  public synchronized void write(Map<TilePath, byte[]> written) {
    for (Map.Entry<TilePath, byte[]> e : written.entrySet()) {
      TilePath path = e.getKey();
      if (path.isEntries() || e.getValue().length != path.width() * Merkle.HASH_SIZE) {
        throw new IllegalArgumentException("not a hash tile of its width: " + path);
      }
      Key key = new Key(path.level(), path.index());
      byte[] old = tiles.get(key);
      if (old != null && old.length > e.getValue().length) {
        throw new IllegalStateException("tile " + path + " is narrower than the stored one");
      }
      tiles.put(key, e.getValue().clone());
    }
  }

  public int size() {
    return tiles.size();
  }
}
