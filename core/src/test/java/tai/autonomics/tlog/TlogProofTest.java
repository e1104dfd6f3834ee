package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** c2sp.org/tlog-proof@v1 documents: written in the spec's layout, parsed back, verified, and tampering refused. */
class TlogProofTest {
  final NoteSigner log = NoteSigner.of("autonomics/tenant-1", Ed25519Key.generate());
  final List<byte[]> entries = TestTrees.entries(1000);
  final InMemoryTileStore store = new InMemoryTileStore();
  final TileAppender.Appended tree;
  final String checkpoint;

  TlogProofTest() throws Exception {
    tree = TileAppender.append(store, 0, entries);
    store.write(tree.tiles());
    checkpoint = new Checkpoint(log.name(), tree.size(), tree.root()).sign(log);
  }

  @Test
  void layoutIsTheSpecs() throws Exception {
    TlogProof proof = TlogProof.create(737, checkpoint, new TileHashReader(store, 1000));
    String text = proof.format();
    List<byte[]> path = MerkleProofs.inclusionProof(737, 1000, new TileHashReader(store, 1000));
    assertEquals("c2sp.org/tlog-proof@v1\nindex 737\n" + HashLines.format(path) + "\n" + checkpoint, text);
    String withExtra = new TlogProof(737, path, checkpoint, new byte[] {1, 2, 3}).format();
    assertTrue(withExtra.startsWith("c2sp.org/tlog-proof@v1\nextra AQID\nindex 737\n"), withExtra);
    assertArrayEquals(new byte[] {1, 2, 3}, TlogProof.parse(withExtra).extra());
  }

  @Test
  void everyIndexVerifiesAfterAParse() throws Exception {
    for (int i = 0; i < 1000; i += 37) {
      TlogProof parsed = TlogProof.parse(TlogProof.create(i, checkpoint, new TileHashReader(store, 1000)).format());
      assertEquals(i, parsed.index());
      assertEquals(checkpoint, parsed.checkpoint());
      assertEquals(1000, parsed.verify(Merkle.leafHash(entries.get(i)), log.verifier()).size());
      // another entry's leaf does not verify at this index
      byte[] other = Merkle.leafHash(entries.get((i + 1) % 1000));
      assertThrows(NoteException.class, () -> parsed.verify(other, log.verifier()));
    }
  }

  @Test
  void tamperedOrMalformedProofsAreRefused() throws Exception {
    String good = TlogProof.create(5, checkpoint, new TileHashReader(store, 1000)).format();
    byte[] leaf = Merkle.leafHash(entries.get(5));
    String[] lines = good.split("\n", -1);
    String hashLine = lines[2];
    char c = hashLine.charAt(3);
    String flipped = good.replace(hashLine, hashLine.substring(0, 3) + (c == 'A' ? 'B' : 'A') + hashLine.substring(4));
    for (String bad : List.of(good.replace("index 5", "index 6"), flipped,
        good.replace("\n" + log.name() + "\n1000\n", "\n" + log.name() + "\n999\n"))) {
      assertThrows(NoteException.class, () -> TlogProof.parse(bad).verify(leaf, log.verifier()), bad);
    }
    NoteVerifier stranger = NoteSigner.of(log.name(), Ed25519Key.generate()).verifier();
    assertThrows(NoteException.class, () -> TlogProof.parse(good).verify(leaf, stranger));
    for (String bad : List.of(good.replace("tlog-proof@v1", "tlog-proof@v2"), good.replace("index 5", "index 05"),
        good.replace("index 5\n", "index 5\nnot-a-hash\n"), good.replace("index 5\n", ""),
        good.substring(0, good.indexOf("\n\n") + 1), good.substring(0, good.length() - 1),
        "c2sp.org/tlog-proof@v1\nextra !!\nindex 5\n\n" + checkpoint)) {
      assertThrows(NoteException.class, () -> TlogProof.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> TlogProof.create(1000, checkpoint,
        new TileHashReader(store, 1000)));
  }

  @Test
  void consistencyProofLinesRoundTrip() throws Exception {
    List<byte[]> proof = MerkleProofs.consistencyProof(300, 1000, new TileHashReader(store, 1000));
    List<byte[]> back = HashLines.parse(HashLines.format(proof));
    assertEquals(proof.size(), back.size());
    assertTrue(MerkleVerifier.verifyConsistency(300, 1000, Merkle.rootOf(TestTrees.leafHashes(entries.subList(0, 300))),
        tree.root(), back));
    assertEquals(List.of(), HashLines.parse(""));
    assertThrows(IllegalArgumentException.class, () -> HashLines.parse("abc\n"));
    assertThrows(IllegalArgumentException.class, () -> HashLines.parse(HashLines.format(proof).trim()));
  }
}
