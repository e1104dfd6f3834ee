package tai.autonomics.tlog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A {@code c2sp.org/tlog-proof@v1} document: the header line, an optional {@code extra} line, {@code index <N>}, the
 * inclusion proof (one base64 hash per line, from the leaf's sibling up), a blank line and the signed checkpoint
 * verbatim. It proves one receipt offline, to anyone holding the log's vkey, without our code or our node.
 *
 * @param index the entry's zero-based index
 * @param hashes the inclusion proof
 * @param checkpoint the signed checkpoint note the proof is against
 * @param extra opaque unauthenticated data, or null for none
 */
public record TlogProof(long index, List<byte[]> hashes, String checkpoint, byte[] extra) {
  public static final String HEADER = "c2sp.org/tlog-proof@v1";

  public TlogProof {
    if (index < 0) {
      throw new IllegalArgumentException("an index is not negative");
    }
    hashes.forEach(h -> Merkle.checkHash(h, "a proof hash"));
    hashes = List.copyOf(hashes);
    if (!checkpoint.endsWith("\n")) {
      throw new IllegalArgumentException("a signed checkpoint ends in a newline");
    }
    extra = extra == null ? null : extra.clone();
  }

  /** The proof of entry {@code index} against {@code signedCheckpoint}, whose tree {@code reader} holds. */
  public static TlogProof create(long index, String signedCheckpoint, HashReader reader) throws IOException {
    Checkpoint head;
    try {
      // our own note: its size names the tree; whoever reads the proof verifies the signature
      head = Checkpoint.parse(signedCheckpoint.substring(0, signedCheckpoint.lastIndexOf("\n\n") + 1));
    } catch (NoteException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not a signed checkpoint: " + e.getMessage());
    }
    return new TlogProof(index, MerkleProofs.inclusionProof(index, head.size(), reader), signedCheckpoint, null);
  }

  public String format() {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    if (extra != null) {
      out.append("extra ").append(Base64.getEncoder().encodeToString(extra)).append('\n');
    }
    out.append("index ").append(index).append('\n');
    out.append(HashLines.format(hashes)).append('\n').append(checkpoint);
    return out.toString();
  }

  /** Parses a proof document; the checkpoint is kept verbatim and not yet verified. */
  public static TlogProof parse(String text) throws NoteException {
    String[] lines = text.split("\n", -1);
    if (lines.length < 4 || !lines[0].equals(HEADER)) {
      throw new NoteException("a tlog proof starts with the line " + HEADER);
    }
    int i = 1;
    byte[] extra = null;
    if (lines[i].startsWith("extra ")) {
      try {
        extra = Base64.getDecoder().decode(lines[i].substring("extra ".length()));
      } catch (IllegalArgumentException e) {
        throw new NoteException("the proof's extra data is not base64");
      }
      i++;
    }
    if (!lines[i].startsWith("index ")) {
      throw new NoteException("the proof has no index line");
    }
    long index = Checkpoint.parseSize(lines[i].substring("index ".length()));
    List<byte[]> hashes = new ArrayList<>();
    for (i++; i < lines.length && !lines[i].isEmpty(); i++) {
      byte[] h = Merkle.parseBase64Hash(lines[i]);
      if (h == null) {
        throw new NoteException("proof line " + (i + 1) + " is not a base64 SHA-256 hash");
      }
      hashes.add(h);
    }
    if (i >= lines.length - 1) {
      throw new NoteException("the proof has no blank line and checkpoint after its hashes");
    }
    String checkpoint = String.join("\n", java.util.Arrays.asList(lines).subList(i + 1, lines.length));
    if (!checkpoint.endsWith("\n")) {
      throw new NoteException("the proof's checkpoint does not end in a newline");
    }
    return new TlogProof(index, hashes, checkpoint, extra);
  }

  /**
   * Verifies the proof for the entry whose leaf hash is {@code leafHash} (SHA-256(0x00 || receipt hash)): the
   * checkpoint's signature by the log key {@code log} (whose name is the origin), then the inclusion. Returns the
   * checkpoint.
   */
  public Checkpoint verify(byte[] leafHash, NoteVerifier log) throws NoteException {
    Checkpoint head = Checkpoint.open(checkpoint, log);
    if (!MerkleVerifier.verifyInclusion(index, head.size(), leafHash, hashes, head.root())) {
      throw new NoteException("the inclusion proof of index " + index + " does not lead to the root of " + head);
    }
    return head;
  }

  @Override
  public byte[] extra() {
    return extra == null ? null : extra.clone();
  }
}
