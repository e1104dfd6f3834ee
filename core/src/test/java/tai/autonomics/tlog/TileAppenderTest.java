package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tiles appended in random batches equal the tiles computed from scratch, the roots equal the from-scratch roots, and
 * the stored tiles answer proofs for every earlier size. 70,000 entries reach a level-2 tile.
 */
class TileAppenderTest {
  static final int SIZE = 70_000;
  final List<byte[]> entries = TestTrees.entries(SIZE);

  @Test
  void randomBatchesGiveTheTilesAndRootsComputedFromScratch() throws IOException {
    Random random = new Random(16);
    InMemoryTileStore store = new InMemoryTileStore();
    long size = 0;
    int batches = 0;
    while (size < SIZE) {
      int batch = (int) Math.min(SIZE - size, batches % 7 == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(700));
      List<byte[]> slice = entries.subList((int) size, (int) size + batch);
      TileAppender.Appended appended = TileAppender.append(store, size, slice);
      store.write(appended.tiles());
      size += batch;
      assertEquals(size, appended.size());
      for (TilePath t : appended.tiles().keySet()) {
        assertEquals(TilePath.widthIn(t.level(), t.index(), size), t.width(), "width of " + t);
        assertEquals(TilePath.widthIn(t.level(), t.index(), size - batch), appended.oldWidths().get(t), "old " + t);
      }
      if (batches++ % 40 == 0 || size == SIZE) {
        List<byte[]> prefix = entries.subList(0, (int) size);
        assertArrayEquals(Merkle.rootOf(TestTrees.leafHashes(prefix)), appended.root(), "root at " + size);
        assertStoreHolds(store, Tiles.fromScratch(prefix), size);
      }
    }
    assertTrue(store.readTile(2, 0) != null, "a level-2 tile exists at 70,000 entries");
  }

  @Test
  void storedTilesAnswerProofsForEarlierSizesAndServePartialPrefixes() throws IOException {
    InMemoryTileStore store = new InMemoryTileStore();
    store.write(TileAppender.append(store, 0, entries.subList(0, 1000)).tiles());
    TileAppender.Appended appended = TileAppender.append(store, 1000, entries.subList(1000, 66_000));
    store.write(appended.tiles());
    List<byte[]> leaves = TestTrees.leafHashes(entries.subList(0, 66_000));
    HashReader reference = TestTrees.reader(leaves);
    Random random = new Random(6962);
    for (long size : new long[] {1, 255, 256, 257, 1000, 65_535, 65_536, 65_537, 66_000}) {
      TileHashReader tiles = new TileHashReader(store, size);
      byte[] root = MerkleProofs.treeHash(size, reference);
      assertArrayEquals(root, MerkleProofs.treeHash(size, tiles), "root at " + size);
      for (int k = 0; k < 20; k++) {
        long index = (long) (random.nextDouble() * size);
        List<byte[]> proof = MerkleProofs.inclusionProof(index, size, tiles);
        assertTrue(MerkleVerifier.verifyInclusion(index, size, leaves.get((int) index), proof, root));
        long old = 1 + (long) (random.nextDouble() * size);
        assertTrue(MerkleVerifier.verifyConsistency(old, size, MerkleProofs.treeHash(old, reference), root,
            MerkleProofs.consistencyProof(old, size, tiles)));
      }
      Map<TilePath, byte[]> expected = Tiles.fromScratch(entries.subList(0, (int) size));
      for (Map.Entry<TilePath, byte[]> e : expected.entrySet()) {
        assertArrayEquals(e.getValue(), Tiles.serve(store, e.getKey(), size).orElseThrow(), e.getKey() + "@" + size);
      }
    }
    assertTrue(Tiles.serve(store, TilePath.hashes(0, 3, 1), 256 * 3).isEmpty());
    assertTrue(Tiles.serve(store, TilePath.hashes(0, 2, 200), 256 * 2 + 199).isEmpty());
    assertTrue(Tiles.serve(store, TilePath.hashes(2, 0, 2), 66_000).isEmpty());
    assertThrows(NoSuchElementException.class, () -> new TileHashReader(store, 66_000).readHash(0, 66_000));
    assertThrows(NoSuchElementException.class, () -> new TileHashReader(store, 1000).readHash(1, 500));
  }

  @Test
  void aMissingTileIsNamedNotGuessed() throws IOException {
    InMemoryTileStore store = new InMemoryTileStore();
    store.write(TileAppender.append(store, 0, entries.subList(0, 300)).tiles());
    InMemoryTileStore empty = new InMemoryTileStore();
    NoSuchElementException e = assertThrows(NoSuchElementException.class,
        () -> TileAppender.append(empty, 300, entries.subList(300, 301)));
    assertTrue(e.getMessage().contains("tile 0/1 is missing"), e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> store.write(Map.of(TilePath.hashes(0, 1, 1), new byte[Merkle.HASH_SIZE])));
  }

  @Test
  void entryBundlesRoundTripAndTruncationIsRefused() {
    List<byte[]> some = entries.subList(0, 256);
    byte[] bundle = EntryBundle.encode(some);
    assertEquals(256 * 34, bundle.length);
    assertEquals(0, bundle[0]);
    assertEquals(32, bundle[1]);
    List<byte[]> back = EntryBundle.decode(bundle);
    for (int i = 0; i < some.size(); i++) {
      assertArrayEquals(some.get(i), back.get(i));
    }
    assertEquals(0, EntryBundle.decode(new byte[0]).size());
    assertThrows(IllegalArgumentException.class, () -> EntryBundle.decode(new byte[] {0}));
    assertThrows(IllegalArgumentException.class, () -> EntryBundle.decode(new byte[] {0, 5, 1, 2}));
    assertThrows(IllegalArgumentException.class, () -> EntryBundle.decode(new byte[257 * 2]));
    assertThrows(IllegalArgumentException.class, () -> EntryBundle.encode(entries.subList(0, 257)));
  }

  private static void assertStoreHolds(InMemoryTileStore store, Map<TilePath, byte[]> expected, long size)
      throws IOException {
    assertEquals(expected.size(), store.size(), "tiles at " + size);
    for (Map.Entry<TilePath, byte[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), store.readTile(e.getKey().level(), e.getKey().index()), e.getKey() + "@" + size);
    }
  }
}
