package tai.autonomics.tlog;

import java.io.IOException;

/**
 * The right edge of a tree of {@code size} leaves: for each set bit {@code l} of the size, the hash of the complete
 * subtree of 2^l leaves that ends there (Go's {@code tlog} and Trillian call it the compact range). It is all an append
 * needs: each new leaf closes the subtrees of the size's trailing 1 bits with these hashes, so appending reads nothing
 * from the store. Mutable; owned by one writer.
 */
final class TreeEdge {
  /** Where an append puts each hash it made: tree level, index at that level, hash. */
  interface Added {
    void hash(int level, long index, byte[] hash);
  }

  private final byte[][] hashes = new byte[64][];
  private long size;

  private TreeEdge() {}

  /** The edge of the stored tree of {@code size} leaves, read through {@code reader} (a TileHashReader at that size). */
  static TreeEdge read(long size, HashReader reader) throws IOException {
    TreeEdge edge = new TreeEdge();
    edge.size = size;
    for (int level = 0; level < 63; level++) {
      if (((size >>> level) & 1) == 1) {
        edge.hashes[level] = reader.readHash(level, (size >>> level) - 1);
      }
    }
    return edge;
  }

  long size() {
    return size;
  }

  /** Appends one entry (a receipt's 32-byte hash): its leaf hash and every subtree hash it completes go to added. */
  void append(byte[] entry, Added added) {
    byte[] hash = Merkle.leafHash(entry);
    added.hash(0, size, hash);
    int level = 0;
    for (; ((size >>> level) & 1) == 1; level++) {
      hash = Merkle.nodeHash(hashes[level], hash);
      hashes[level] = null;
      added.hash(level + 1, size >>> (level + 1), hash);
    }
    hashes[level] = hash;
    size++;
  }
}
