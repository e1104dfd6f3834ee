package tai.autonomics.tlog;

import java.util.List;

/**
 * A tree head as a {@code c2sp.org/tlog-checkpoint@v1.0.0} note body: the origin, the decimal tree size and the
 * base64 root, each followed by a newline, and no extension lines (monitors cannot audit them, so we write none and
 * refuse any). The signature's key name is the origin, which is what ties a signed checkpoint to one log.
 *
 * @param origin the log's identity, e.g. {@code autonomics.example/tenant-1}
 * @param size the number of leaves
 * @param root the 32-byte root of the tree of {@code size} leaves
 */
public record Checkpoint(String origin, long size, byte[] root) {
  public Checkpoint {
    if (origin == null || origin.isEmpty() || origin.contains("\n")) {
      throw new IllegalArgumentException("a checkpoint origin is a non-empty line");
    }
    if (size < 0) {
      throw new IllegalArgumentException("a tree size is not negative");
    }
    root = Merkle.checkHash(root, "a checkpoint root").clone();
  }

  /** The note text. */
  public String body() {
    return origin + "\n" + size + "\n" + Merkle.base64(root) + "\n";
  }

  /** The signed note of this checkpoint, signed under its origin's name. */
  public String sign(NoteSigner signer) {
    if (!signer.name().equals(origin)) {
      throw new IllegalArgumentException("a checkpoint is signed under its origin, not " + signer.name());
    }
    return SignedNote.sign(body(), signer);
  }

  /** Opens a signed checkpoint of the log of {@code verifier} (whose key name is the origin) and parses it. */
  public static Checkpoint open(String note, NoteVerifier verifier) throws NoteException {
    Checkpoint checkpoint = parse(SignedNote.open(note, List.of(verifier)).text());
    if (!checkpoint.origin().equals(verifier.name())) {
      throw new NoteException("the checkpoint's origin " + checkpoint.origin() + " is not " + verifier.name());
    }
    return checkpoint;
  }

  /** Parses a checkpoint body; refuses anything but exactly origin, size and root lines. */
  public static Checkpoint parse(String body) throws NoteException {
    if (!body.endsWith("\n")) {
      throw new NoteException("a checkpoint ends in a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new NoteException("a checkpoint has an origin, a size and a root line");
    }
    if (lines.length > 3) {
      throw new NoteException("the checkpoint has extension lines, which this log never writes");
    }
    if (lines[0].isEmpty()) {
      throw new NoteException("the checkpoint's origin is empty");
    }
    long size = parseSize(lines[1]);
    byte[] root = Merkle.parseBase64Hash(lines[2]);
    if (root == null) {
      throw new NoteException("the checkpoint's root is not a base64 SHA-256 hash");
    }
    return new Checkpoint(lines[0], size, root);
  }

  static long parseSize(String s) throws NoteException {
    boolean digits = !s.isEmpty() && s.length() <= 19 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!digits || (s.length() > 1 && s.charAt(0) == '0')) {
      throw new NoteException("the size " + s + " is not a decimal without leading zeros");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new NoteException("the size " + s + " is too large");
    }
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size && Merkle.equal(c.root, root);
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(size);
  }

  @Override
  public String toString() {
    return body().replace('\n', ' ').trim();
  }
}
