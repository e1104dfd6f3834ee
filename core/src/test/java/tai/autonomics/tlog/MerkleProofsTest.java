package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every size up to 300 and every index: the proofs built from stored hashes verify with the RFC 9162 algorithms, and
 * a flipped bit in any proof hash, a wrong size, index or root is refused. Up to 64 leaves every proof hash gets a
 * flipped bit, beyond that one proof hash per proof (a different one from proof to proof), and a different bit each
 * time; the first 9 sizes flip every bit; and beyond 64 leaves the rarer consistency probes (swapped roots, sizes
 * off by one upwards, proofs too long or short) run on every fourth pair. That keeps the run to a few seconds.
 */
class MerkleProofsTest {
  static final int MAX = 300;
  static final int EVERY_BIT_UP_TO = 9;
  static final int EVERY_HASH_UP_TO = 64;

  final List<byte[]> leaves = TestTrees.leafHashes(TestTrees.entries(MAX));
  final HashReader reader = TestTrees.reader(leaves);
  final List<byte[]> roots = new ArrayList<>();

  MerkleProofsTest() {
    for (int n = 0; n <= MAX; n++) {
      roots.add(TestTrees.mth(leaves, 0, n));
    }
  }

  @Test
  void treeHashIsTheRecursiveDefinition() throws IOException {
    for (int n = 0; n <= MAX; n++) {
      assertArrayEquals(roots.get(n), MerkleProofs.treeHash(n, reader), "size " + n);
      assertArrayEquals(roots.get(n), Merkle.rootOf(leaves.subList(0, n)), "size " + n);
    }
  }

  @Test
  void inclusionProofsVerifyAndTamperingIsRefused() throws IOException {
    for (int n = 1; n <= MAX; n++) {
      byte[] root = roots.get(n);
      for (int i = 0; i < n; i++) {
        byte[] leaf = leaves.get(i);
        List<byte[]> proof = MerkleProofs.inclusionProof(i, n, reader);
        String at = "index " + i + " size " + n;
        assertTrue(MerkleVerifier.verifyInclusion(i, n, leaf, proof, root), at);
        int from = n <= EVERY_HASH_UP_TO || proof.isEmpty() ? 0 : (i + n) % proof.size();
        int to = n <= EVERY_HASH_UP_TO ? proof.size() : Math.min(proof.size(), from + 1);
        for (int k = from; k < to; k++) {
          for (int bit : bits(n, i + k)) {
            assertFalse(MerkleVerifier.verifyInclusion(i, n, leaf, flipped(proof, k, bit), root), at + " bit " + bit);
          }
        }
        assertFalse(MerkleVerifier.verifyInclusion(i, n, flip(leaf, (i * 13) % 256), proof, root), at);
        assertFalse(MerkleVerifier.verifyInclusion(i, n, leaf, proof, roots.get(n - 1)), at + " old root");
        if (n < MAX) {
          assertFalse(MerkleVerifier.verifyInclusion(i, n + 1, leaf, proof, roots.get(n + 1)), at + " size+1");
        }
        assertFalse(MerkleVerifier.verifyInclusion(i, 2L * n, leaf, proof, root), at + " size*2");
        if (i < n / 2) {
          assertFalse(MerkleVerifier.verifyInclusion(i, n / 2, leaf, proof, root), at + " size/2");
        }
        if (i + 1 < n) {
          assertFalse(MerkleVerifier.verifyInclusion(i + 1, n, leaf, proof, root), at + " index+1");
        }
        if (i > 0) {
          assertFalse(MerkleVerifier.verifyInclusion(i - 1, n, leaf, proof, root), at + " index-1");
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(root);
        assertFalse(MerkleVerifier.verifyInclusion(i, n, leaf, longer, root), at + " extra hash");
        if (!proof.isEmpty()) {
          assertFalse(MerkleVerifier.verifyInclusion(i, n, leaf, proof.subList(1, proof.size()), root), at);
        }
      }
    }
  }

  @Test
  void consistencyProofsVerifyAndTamperingIsRefused() throws IOException {
    for (int n = 1; n <= MAX; n++) {
      byte[] newRoot = roots.get(n);
      for (int m = 1; m <= n; m++) {
        byte[] oldRoot = roots.get(m);
        List<byte[]> proof = MerkleProofs.consistencyProof(m, n, reader);
        String at = m + " -> " + n;
        assertTrue(MerkleVerifier.verifyConsistency(m, n, oldRoot, newRoot, proof), at);
        if (m == n) {
          assertFalse(MerkleVerifier.verifyConsistency(m, n, oldRoot, roots.get(m - 1), proof), at);
          continue;
        }
        int from = n <= EVERY_HASH_UP_TO ? 0 : (m + n) % proof.size();
        int to = n <= EVERY_HASH_UP_TO ? proof.size() : from + 1;
        for (int k = from; k < to; k++) {
          for (int bit : bits(n, m + k)) {
            assertFalse(MerkleVerifier.verifyConsistency(m, n, oldRoot, newRoot, flipped(proof, k, bit)), at);
          }
        }
        assertFalse(MerkleVerifier.verifyConsistency(m, n, roots.get(m - 1), newRoot, proof), at + " old root");
        assertFalse(MerkleVerifier.verifyConsistency(m, n, oldRoot, roots.get(n - 1), proof), at + " new root");
        assertFalse(MerkleVerifier.verifyConsistency(m - 1, n, roots.get(m - 1), newRoot, proof), at + " m-1");
        if (n > EVERY_HASH_UP_TO && (m + n) % 4 != 0) {
          // beyond 64 leaves the remaining probes run on every fourth pair
          continue;
        }
        assertFalse(MerkleVerifier.verifyConsistency(m, n, newRoot, oldRoot, proof), at + " swapped roots");
        if (m + 1 < n) {
          assertFalse(MerkleVerifier.verifyConsistency(m + 1, n, roots.get(m + 1), newRoot, proof), at + " m+1");
        }
        if (n < MAX) {
          assertFalse(MerkleVerifier.verifyConsistency(m, n + 1, oldRoot, roots.get(n + 1), proof), at + " n+1");
        }
        assertFalse(MerkleVerifier.verifyConsistency(m, n, oldRoot, newRoot, List.of()), at + " empty proof");
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(newRoot);
        assertFalse(MerkleVerifier.verifyConsistency(m, n, oldRoot, newRoot, longer), at + " extra hash");
        assertFalse(
            MerkleVerifier.verifyConsistency(m, n, oldRoot, newRoot, proof.subList(0, proof.size() - 1)), at);
      }
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> MerkleProofs.inclusionProof(5, 5, reader));
    assertThrows(IllegalArgumentException.class, () -> MerkleProofs.inclusionProof(-1, 5, reader));
    assertThrows(IllegalArgumentException.class, () -> MerkleProofs.consistencyProof(6, 5, reader));
    assertThrows(IllegalArgumentException.class, () -> MerkleProofs.treeHash(-1, reader));
  }

  private static int[] bits(int n, int salt) {
    if (n <= EVERY_BIT_UP_TO) {
      int[] all = new int[256];
      for (int b = 0; b < 256; b++) {
        all[b] = b;
      }
      return all;
    }
    return new int[] {(salt * 37 + n) % 256};
  }

  private static List<byte[]> flipped(List<byte[]> proof, int k, int bit) {
    List<byte[]> copy = new ArrayList<>(proof);
    copy.set(k, flip(proof.get(k), bit));
    return copy;
  }

  private static byte[] flip(byte[] hash, int bit) {
    byte[] copy = hash.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }
}
