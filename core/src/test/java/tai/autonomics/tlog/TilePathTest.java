package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tile paths as c2sp.org/tlog-tiles spells them, with its examples and Go's tile path vectors (without the height). */
class TilePathTest {
  @Test
  void pathsOfTheSpecAndOfGo() {
    assertEquals("tile/0/x001/x234/067", TilePath.hashes(0, 1234067, 256).path());
    assertEquals("tile/0/x001/x234/067.p/8", TilePath.hashes(0, 1234067, 8).path());
    assertEquals("tile/5/x123/x456/078", TilePath.hashes(5, 123456078, 256).path());
    assertEquals("tile/5/x123/x456/078.p/2", TilePath.hashes(5, 123456078, 2).path());
    assertEquals("tile/0/x003/x057/500", TilePath.hashes(0, 3057500, 256).path());
    assertEquals("tile/0/001", TilePath.hashes(0, 1, 256).path());
    assertEquals("tile/0/001.p/5", TilePath.hashes(0, 1, 5).path());
    assertEquals("tile/0/000", TilePath.hashes(0, 0, 256).path());
    assertEquals("tile/63/x001/000", TilePath.hashes(63, 1000, 256).path());
    assertEquals("tile/entries/x001/x234/067.p/255", TilePath.entries(1234067, 255).path());
    assertEquals("tile/entries/000", TilePath.entries(0, 256).path());
  }

  @Test
  void parseIsTheInverseOfPath() {
    for (TilePath t : List.of(TilePath.hashes(0, 1234067, 8), TilePath.hashes(2, 0, 256), TilePath.entries(999, 1),
        TilePath.entries(1000, 256), TilePath.hashes(7, Long.MAX_VALUE / 1024, 17))) {
      assertEquals(t, TilePath.parse(t.path()));
    }
    assertTrue(TilePath.parse("tile/entries/000.p/5").isEntries());
  }

  @Test
  void nonCanonicalOrMalformedPathsAreRefused() {
    for (String bad : List.of("tile/0/1234067", "tile/0/x001/234/067", "tile/0/001/x234", "tile/00/000",
        "tile/64/000", "tile/-1/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/08", "tile/0/x000/001",
        "tile/0/01", "tile/0/0001", "tile/data/000", "tile/0/", "tile/0", "tiles/0/000", "tile/0/000/",
        "tile/0/00a", "tile/0/000.p/", "tile/0/000.p", "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
        "/tile/0/000", "tile/3/5/x123/x456/078")) {
      assertThrows(IllegalArgumentException.class, () -> TilePath.parse(bad), bad);
    }
  }

  @Test
  void tilesOfATreeAsTheSpecCountsThem() {
    // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of width 112,
    // one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1"
    List<TilePath> tiles = TilePath.tilesOf(70_000, false);
    assertEquals(273, tiles.stream().filter(t -> t.level() == 0 && t.isFull()).count());
    assertEquals(List.of(TilePath.hashes(0, 273, 112)),
        tiles.stream().filter(t -> t.level() == 0 && !t.isFull()).toList());
    assertEquals(List.of(TilePath.hashes(1, 0, 256), TilePath.hashes(1, 1, 17), TilePath.hashes(2, 0, 1)),
        tiles.stream().filter(t -> t.level() > 0).toList());
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
    assertEquals(List.of(TilePath.hashes(0, 0, 256), TilePath.hashes(1, 0, 1)), TilePath.tilesOf(256, false));
    assertEquals(List.of(TilePath.hashes(0, 0, 3), TilePath.entries(0, 3)), TilePath.tilesOf(3, true));
    assertEquals(List.of(), TilePath.tilesOf(0, true));
    assertEquals(112, TilePath.widthIn(0, 273, 70_000));
    assertEquals(0, TilePath.widthIn(0, 274, 70_000));
    assertEquals(256, TilePath.widthIn(0, 272, 70_000));
    // levels 8 and up hold nothing in a 64-bit tree (and Java would take a shift of 64 as no shift)
    assertEquals(0, TilePath.widthIn(8, 0, 5));
    assertEquals(0, TilePath.widthIn(63, 0, Long.MAX_VALUE));
    assertEquals(127, TilePath.widthIn(7, 0, Long.MAX_VALUE));
    assertEquals(0, TilePath.widthIn(0, Long.MAX_VALUE, 5));
  }
}
