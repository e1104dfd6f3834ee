package tai.autonomics.tlog;

import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Signs checkpoints and never signs two inconsistent ones (c2sp.org/tlog-checkpoint §Signatures: a log MUST NOT). Before
 * signing it checks that the root is the stored tree's and proves consistency from the last checkpoint it signed for
 * that log; it records the new one durably before signing, so a crash at any point leaves a signed checkpoint that
 * is at most the recorded one, and the next signature is checked against that. A plain class, not an actor: callers
 * run it on a blocking dispatcher (it reads tiles and forces a file), one log at a time.
 */
public final class Checkpointer {
  private final NoteSigner key;
  private final SignedHeads heads;

  /** Signs with {@code key} under each log's origin, recording the signed heads in {@code heads}. */
  public Checkpointer(NoteSigner key, SignedHeads heads) {
    this.key = key;
    this.heads = heads;
  }

  /**
   * The signed checkpoint of the tree of {@code size} leaves with {@code root} of log {@code origin}, whose stored
   * hashes {@code reader} reads (a {@link TileHashReader} at that size). Signing the last signed head again is allowed
   * and gives the same note.
   */
  public synchronized String sign(String origin, long size, byte[] root, HashReader reader)
      throws IOException, CheckpointRefusedException {
    Checkpoint next = new Checkpoint(origin, size, root);
    NoteSigner signer = key.named(origin);
    try {
      if (!Merkle.equal(MerkleProofs.treeHash(size, reader), root)) {
        throw new CheckpointRefusedException("the root of " + next + " is not the root of the stored tree");
      }
      Optional<Checkpoint> last = heads.last(origin);
      if (last.isPresent()) {
        checkConsistent(last.get(), next, reader);
        if (last.get().size() == size) {
          return next.sign(signer);
        }
      }
    } catch (NoSuchElementException e) {
      throw new CheckpointRefusedException("the stored tree of " + next + " is incomplete: " + e.getMessage());
    }
    heads.save(next);
    return next.sign(signer);
  }

  /** The last checkpoint signed for {@code origin}. */
  public Optional<Checkpoint> lastSigned(String origin) throws IOException {
    return heads.last(origin);
  }

  private static void checkConsistent(Checkpoint last, Checkpoint next, HashReader reader)
      throws IOException, CheckpointRefusedException {
    if (next.size() < last.size()) {
      throw new CheckpointRefusedException("size " + next.size() + " is below the last signed size " + last.size());
    }
    List<byte[]> proof = MerkleProofs.consistencyProof(last.size(), next.size(), reader);
    if (!MerkleVerifier.verifyConsistency(last.size(), next.size(), last.root(), next.root(), proof)) {
      throw new CheckpointRefusedException(next + " is not consistent with the last signed " + last);
    }
  }
}
