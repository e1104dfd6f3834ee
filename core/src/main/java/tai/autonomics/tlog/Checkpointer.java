package tai.autonomics.tlog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Signs checkpoints and never signs two inconsistent ones (c2sp.org/tlog-checkpoint §Signatures: a log MUST NOT). Before
 * signing it checks that the root is the stored tree's and proves consistency from the last checkpoint it signed for
 * that log; it records the new ones durably, all of a round in one write, before signing, so a crash at any point
 * leaves a signed checkpoint that is at most the recorded one, and the next signature is checked against that. A
 * plain class, not an actor: callers run it on a blocking dispatcher (it reads tiles and forces a file).
 */
public final class Checkpointer {
  private static final String RESTORED = ": the ledger was restored from a backup older than that checkpoint, or"
      + " changed behind the node's back; signing it would fork the log, which then needs a new log name"
      + " (docs/OPERATIONS.md, Backup and restore)";

  private final NoteSigner key;
  private final SignedHeads heads;

  /** Signs with {@code key} under each log's origin, recording the signed heads in {@code heads}. */
  public Checkpointer(NoteSigner key, SignedHeads heads) {
    this.key = key;
    this.heads = heads;
  }

  /** A tree head to sign: log {@code origin}'s tree of {@code size} leaves with {@code root}, read through reader. */
  public record Request(String origin, long size, byte[] root, HashReader reader) {}

  /**
   * The signed checkpoint of the tree of {@code size} leaves with {@code root} of log {@code origin}, whose stored
   * hashes {@code reader} reads (a {@link TileHashReader} at that size). Signing the last signed head again is allowed
   * and gives the same note.
   */
  public String sign(String origin, long size, byte[] root, HashReader reader)
      throws IOException, CheckpointRefusedException {
    Map<String, Exception> refused = new HashMap<>();
    Map<String, String> signed = signAll(List.of(new Request(origin, size, root, reader)), refused::put);
    if (refused.get(origin) instanceof CheckpointRefusedException e) {
      throw e;
    } else if (refused.get(origin) instanceof IOException e) {
      throw e;
    }
    return signed.get(origin);
  }

  /**
   * Signs the heads of several logs (one request per origin), recording the new ones with one durable write before
   * any is signed. A request that is refused, or whose tiles cannot be read, is left out and given to
   * {@code refused}; the notes of the others are returned by origin. Fails as a whole only when the record fails.
   */
  public synchronized Map<String, String> signAll(List<Request> requests, BiConsumer<String, Exception> refused)
      throws IOException {
    List<Checkpoint> toRecord = new ArrayList<>();
    List<Checkpoint> toSign = new ArrayList<>();
    for (Request request : requests) {
      Checkpoint next = new Checkpoint(request.origin(), request.size(), request.root());
      try {
        if (!Merkle.equal(MerkleProofs.treeHash(request.size(), request.reader()), request.root())) {
          throw new CheckpointRefusedException("the root of " + next + " is not the root of the stored tree");
        }
        Optional<Checkpoint> last = heads.last(request.origin());
        if (last.isPresent()) {
          checkConsistent(last.get(), next, request.reader());
        }
        if (last.isEmpty() || last.get().size() != request.size()) {
          toRecord.add(next);
        }
        toSign.add(next);
      } catch (NoSuchElementException e) {
        refused.accept(request.origin(),
            new CheckpointRefusedException("the stored tree of " + next + " is incomplete: " + e.getMessage()));
      } catch (CheckpointRefusedException | IOException e) {
        refused.accept(request.origin(), e);
      }
    }
    heads.saveAll(toRecord);
    Map<String, String> notes = new HashMap<>();
    for (Checkpoint checkpoint : toSign) {
      notes.put(checkpoint.origin(), checkpoint.sign(key.named(checkpoint.origin())));
    }
    return notes;
  }

  /** The last checkpoint signed for {@code origin}. */
  public Optional<Checkpoint> lastSigned(String origin) throws IOException {
    return heads.last(origin);
  }

  private static void checkConsistent(Checkpoint last, Checkpoint next, HashReader reader)
      throws IOException, CheckpointRefusedException {
    // the messages name the log and the likely cause: an operator reads them in the node's log
    if (next.size() < last.size()) {
      throw new CheckpointRefusedException("the tree of " + next.origin() + " (size " + next.size()
          + ") is behind its last signed checkpoint (size " + last.size() + ")" + RESTORED);
    }
    List<byte[]> proof = MerkleProofs.consistencyProof(last.size(), next.size(), reader);
    if (!MerkleVerifier.verifyConsistency(last.size(), next.size(), last.root(), next.root(), proof)) {
      throw new CheckpointRefusedException("the tree of " + next.origin() + " (size " + next.size()
          + ") is not consistent with its last signed checkpoint (size " + last.size() + ")" + RESTORED);
    }
  }
}
