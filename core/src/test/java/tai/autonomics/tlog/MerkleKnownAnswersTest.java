package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tai.autonomics.tlog.TestTrees.hex;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 6962 known answers: the leaves, roots and proofs of the Certificate Transparency reference tests (as carried by
 * transparency-dev/merkle's proof/verify_test.go), so our tree is the same tree every CT verifier computes.
 */
class MerkleKnownAnswersTest {
  static final List<byte[]> LEAVES =
      List.of(hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243"), hex("5051525354555657"),
          hex("606162636465666768696a6b6c6d6e6f"));

  static final List<String> ROOTS = List.of(
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  // {index, size} -> path (the vectors' leaf numbers are 1-based; these are 0-based indexes)
  static final Map<List<Long>, List<String>> INCLUSION = Map.of(
      List.of(0L, 8L), List.of(
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
      List.of(5L, 8L), List.of(
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
      List.of(2L, 3L), List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
      List.of(1L, 5L), List.of(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
      List.of(0L, 1L), List.of());

  // {old, new} -> path
  static final Map<List<Long>, List<String>> CONSISTENCY = Map.of(
      List.of(1L, 1L), List.of(),
      List.of(1L, 8L), List.of(
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
      List.of(6L, 8L), List.of(
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
      List.of(2L, 5L), List.of(
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
      List.of(6L, 7L), List.of(
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"));

  final List<byte[]> leafHashes = TestTrees.leafHashes(LEAVES);
  final HashReader reader = TestTrees.reader(leafHashes);

  @Test
  void emptyTreeRootIsSha256OfNothing() throws IOException {
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(Merkle.emptyRoot()));
    assertArrayEquals(Merkle.emptyRoot(), MerkleProofs.treeHash(0, reader));
    assertArrayEquals(Merkle.emptyRoot(), Merkle.rootOf(List.of()));
  }

  @Test
  void rootsOfEveryPrefix() throws IOException {
    for (int n = 1; n <= 8; n++) {
      assertEquals(ROOTS.get(n - 1), hex(MerkleProofs.treeHash(n, reader)), "size " + n);
      assertEquals(ROOTS.get(n - 1), hex(Merkle.rootOf(leafHashes.subList(0, n))), "size " + n);
    }
    assertEquals("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        hex(Merkle.rootOf(leafHashes)));
  }

  @Test
  void inclusionProofsAreTheReferenceOnes() throws IOException {
    for (Map.Entry<List<Long>, List<String>> v : INCLUSION.entrySet()) {
      long index = v.getKey().get(0);
      long size = v.getKey().get(1);
      List<byte[]> proof = MerkleProofs.inclusionProof(index, size, reader);
      assertEquals(v.getValue(), hexes(proof), "inclusion " + v.getKey());
      byte[] root = hex(ROOTS.get((int) size - 1));
      assertTrue(MerkleVerifier.verifyInclusion(index, size, leafHashes.get((int) index), unhex(v.getValue()), root));
      assertFalse(MerkleVerifier.verifyInclusion(index, size * 2, leafHashes.get((int) index), proof, root));
    }
  }

  @Test
  void consistencyProofsAreTheReferenceOnes() throws IOException {
    for (Map.Entry<List<Long>, List<String>> v : CONSISTENCY.entrySet()) {
      long first = v.getKey().get(0);
      long second = v.getKey().get(1);
      assertEquals(v.getValue(), hexes(MerkleProofs.consistencyProof(first, second, reader)), "" + v.getKey());
      byte[] r1 = hex(ROOTS.get((int) first - 1));
      byte[] r2 = hex(ROOTS.get((int) second - 1));
      assertTrue(MerkleVerifier.verifyConsistency(first, second, r1, r2, unhex(v.getValue())), "" + v.getKey());
      if (first != second) {
        assertFalse(MerkleVerifier.verifyConsistency(first, second, r2, r1, unhex(v.getValue())));
      }
    }
  }

  @Test
  void trivialConsistencyCases() {
    byte[] a = hex(ROOTS.get(0));
    byte[] b = hex(ROOTS.get(1));
    byte[] empty = Merkle.emptyRoot();
    assertTrue(MerkleVerifier.verifyConsistency(0, 0, empty, empty, List.of()));
    assertTrue(MerkleVerifier.verifyConsistency(0, 5, empty, b, List.of()));
    assertFalse(MerkleVerifier.verifyConsistency(0, 5, a, b, List.of()));
    assertFalse(MerkleVerifier.verifyConsistency(0, 5, empty, b, List.of(empty)));
    assertFalse(MerkleVerifier.verifyConsistency(1, 1, a, b, List.of()));
    assertFalse(MerkleVerifier.verifyConsistency(1, 1, a, a, List.of(a)));
    assertFalse(MerkleVerifier.verifyConsistency(2, 1, b, a, List.of()));
    assertFalse(MerkleVerifier.verifyConsistency(1, 2, a, b, List.of()));
    assertFalse(MerkleVerifier.verifyConsistency(-1, 2, a, b, List.of()));
    assertFalse(MerkleVerifier.verifyInclusion(0, 0, a, List.of(), a));
    assertFalse(MerkleVerifier.verifyInclusion(-1, 1, a, List.of(), a));
    assertFalse(MerkleVerifier.verifyInclusion(0, 1, a, List.of(), new byte[31]));
    assertTrue(MerkleVerifier.verifyInclusion(0, 1, a, List.of(), a));
  }

  static List<String> hexes(List<byte[]> hashes) {
    List<String> out = new ArrayList<>();
    hashes.forEach(h -> out.add(hex(h)));
    return out;
  }

  static List<byte[]> unhex(List<String> hashes) {
    List<byte[]> out = new ArrayList<>();
    hashes.forEach(h -> out.add(hex(h)));
    return out;
  }
}
