package tai.autonomics.tlog;

import java.io.IOException;

/**
 * Reads the stored hashes of a tree by their coordinates, as Go's {@code tlog.HashReader} does (there by a linear
 * index, here by level and index). The hash at (level, index) is the root of the complete subtree over leaves
 * {@code [index << level, (index + 1) << level)}; only complete subtrees are ever stored, which is what makes them
 * immutable and lets every proof be assembled from O(log n) reads.
 */
@FunctionalInterface
public interface HashReader {
  /**
   * The hash at (level, index). Implementations throw {@link IOException} when the store fails, and
   * {@link java.util.NoSuchElementException} when the hash is not (yet) stored.
   */
  byte[] readHash(int level, long index) throws IOException;
}
