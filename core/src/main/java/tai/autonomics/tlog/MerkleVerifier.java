package tai.autonomics.tlog;

import java.util.ArrayList;
import java.util.List;

/**
 * Verifies inclusion and consistency proofs with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, word for word, so
 * a proof we accept is one every RFC 9162 verifier (Go's {@code tlog.CheckRecord}/{@code CheckTree} included) accepts.
 * It answers false, never throws, for any malformed input: a proof is either valid or it is not.
 */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /** Whether {@code proof} shows the leaf hash at {@code index} in the tree of {@code size} leaves with {@code root}. */
  public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    byte[] r = rootFromInclusionProof(index, size, leafHash, proof);
    return r != null && isHash(root) && Merkle.equal(r, root);
  }

  /** The root the inclusion proof implies (RFC 9162 §2.1.3.2 steps 1-5), or null when the proof is malformed. */
  public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
    if (index < 0 || index >= size || !isHash(leafHash) || !allHashes(proof)) {
      return null;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Merkle.nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = Merkle.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }

  /**
   * Whether {@code proof} shows that the tree of {@code first} leaves with {@code firstHash} is a prefix of the tree
   * of {@code second} leaves with {@code secondHash}. Equal sizes need an empty proof and equal roots; an empty old
   * tree needs an empty proof and the empty root (every tree extends it).
   */
  public static boolean verifyConsistency(
      long first, long second, byte[] firstHash, byte[] secondHash, List<byte[]> proof) {
    if (first < 0 || second < first || !isHash(firstHash) || !isHash(secondHash) || !allHashes(proof)) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && Merkle.equal(firstHash, secondHash);
    }
    if (first == 0) {
      return proof.isEmpty() && Merkle.equal(firstHash, Merkle.emptyRoot());
    }
    // step 1: a proof between different non-empty trees is never empty
    if (proof.isEmpty()) {
      return false;
    }
    // step 2: when the old tree is complete, its root is the first node of the path
    List<byte[]> path = proof;
    if (Long.bitCount(first) == 1) {
      path = new ArrayList<>(proof.size() + 1);
      path.add(firstHash);
      path.addAll(proof);
    }
    // steps 3-4
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    // steps 5-6
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Merkle.nodeHash(c, fr);
        sr = Merkle.nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = Merkle.nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    // step 7
    return Merkle.equal(fr, firstHash) && Merkle.equal(sr, secondHash) && sn == 0;
  }

  private static boolean isHash(byte[] h) {
    return h != null && h.length == Merkle.HASH_SIZE;
  }

  private static boolean allHashes(List<byte[]> proof) {
    if (proof == null) {
      return false;
    }
    for (byte[] p : proof) {
      if (!isHash(p)) {
        return false;
      }
    }
    return true;
  }
}
