package tai.autonomics.tlog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds tree roots, inclusion proofs (RFC 9162 §2.1.3.1) and consistency proofs (§2.1.4.1) from stored hashes. Every
 * subtree the split rule names is cut into at most log n complete subtrees, each one stored hash, so a root or proof
 * costs O(log n) reads and never touches the leaves: that is what lets a node answer a proof at a million receipts in
 * well under a millisecond.
 */
public final class MerkleProofs {
  private MerkleProofs() {}

  /** The root of the tree of the first {@code size} leaves. */
  public static byte[] treeHash(long size, HashReader reader) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("tree size must not be negative");
    }
    return size == 0 ? Merkle.emptyRoot() : subtreeHash(0, size, reader);
  }

  /**
   * The audit path of leaf {@code index} in the tree of {@code size} leaves, from the leaf's sibling up to the root's
   * child (the order of RFC 9162 and of {@code c2sp.org/tlog-proof}).
   */
  public static List<byte[]> inclusionProof(long index, long size, HashReader reader) throws IOException {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " is not in a tree of size " + size);
    }
    List<byte[]> path = new ArrayList<>();
    inclusion(index, 0, size, reader, path);
    return path;
  }

  /**
   * The proof that the tree of {@code oldSize} leaves is a prefix of the tree of {@code newSize} leaves; empty when
   * the sizes are equal or the old tree is empty, as RFC 9162 defines it.
   */
  public static List<byte[]> consistencyProof(long oldSize, long newSize, HashReader reader) throws IOException {
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException("no consistency proof from size " + oldSize + " to size " + newSize);
    }
    List<byte[]> path = new ArrayList<>();
    if (oldSize > 0 && oldSize < newSize) {
      consistency(oldSize, 0, newSize, reader, path);
    }
    return path;
  }

  // PATH(m, D[lo:hi]): the path below is collected first, so the list runs from the leaf upwards
  private static void inclusion(long m, long lo, long hi, HashReader reader, List<byte[]> path) throws IOException {
    if (hi - lo == 1) {
      return;
    }
    long k = Merkle.split(hi - lo);
    if (m < lo + k) {
      inclusion(m, lo, lo + k, reader, path);
      path.add(subtreeHash(lo + k, hi, reader));
    } else {
      inclusion(m, lo + k, hi, reader, path);
      path.add(subtreeHash(lo, lo + k, reader));
    }
  }

  // SUBPROOF(m, D[lo:hi], lo == 0) with m the old size counted from leaf 0
  private static void consistency(long m, long lo, long hi, HashReader reader, List<byte[]> path)
      throws IOException {
    if (m == hi) {
      if (lo != 0) {
        // the verifier knows the old root only for the subtree starting at 0
        path.add(subtreeHash(lo, hi, reader));
      }
      return;
    }
    long k = Merkle.split(hi - lo);
    if (m <= lo + k) {
      consistency(m, lo, lo + k, reader, path);
      path.add(subtreeHash(lo + k, hi, reader));
    } else {
      consistency(m, lo + k, hi, reader, path);
      path.add(subtreeHash(lo, lo + k, reader));
    }
  }

  /**
   * MTH(D[lo:hi]) for a range the split rule produces (lo is a multiple of the largest power of two not above
   * hi - lo): its complete subtrees, largest first, folded from the right.
   */
  static byte[] subtreeHash(long lo, long hi, HashReader reader) throws IOException {
    List<byte[]> parts = new ArrayList<>(Long.SIZE);
    while (lo < hi) {
      long k = Long.highestOneBit(hi - lo);
      if ((lo & (k - 1)) != 0) {
        throw new IllegalStateException("range [" + lo + ", " + hi + ") is not a subtree of the split rule");
      }
      int level = Long.numberOfTrailingZeros(k);
      parts.add(reader.readHash(level, lo >>> level));
      lo += k;
    }
    byte[] hash = parts.get(parts.size() - 1);
    for (int i = parts.size() - 2; i >= 0; i--) {
      hash = Merkle.nodeHash(parts.get(i), hash);
    }
    return hash;
  }
}
