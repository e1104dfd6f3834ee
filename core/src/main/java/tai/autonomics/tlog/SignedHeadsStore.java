package tai.autonomics.tlog;

import java.io.IOException;

/**
 * A receipt store that keeps the logs' signed heads itself, beside the trees, so that every node writing to it checks
 * against the same last checkpoints (PostgreSQL in cluster mode). A node over any other store keeps them in its data
 * directory ({@link FileSignedHeads}).
 */
public interface SignedHeadsStore {
  /**
   * The signed heads of the logs in this store, for a node that signs with {@code key}. Throws when the store's logs
   * were signed with another key: every node of a cluster must sign with the same one, or an auditor holding the
   * log's key could not verify what the other nodes signed.
   */
  SignedHeads signedHeads(NoteVerifier key) throws IOException;
}
