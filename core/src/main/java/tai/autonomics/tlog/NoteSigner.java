package tai.autonomics.tlog;

import java.util.Base64;

/**
 * An Ed25519 key under a key name: what signs a log's checkpoints (the name is the log's origin). One key may sign
 * under many names (one log per tenant); each name has its own key id. The {@link #signerKey()} form is the one of
 * Go's {@code note.NewSigner} ({@code PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>}), so a key can move between
 * our node and Go tooling.
 */
public final class NoteSigner {
  private final String name;
  private final Ed25519Key key;
  private final NoteVerifier verifier;

  private NoteSigner(String name, Ed25519Key key) {
    this.name = name;
    this.key = key;
    this.verifier = NoteVerifier.of(name, key.publicKey());
  }

  public static NoteSigner of(String name, Ed25519Key key) {
    SignedNote.checkKeyName(name);
    return new NoteSigner(name, key);
  }

  /** Parses a Go signer key; throws {@link IllegalArgumentException} when it is malformed or its id is not its own. */
  public static NoteSigner parse(String signerKey) {
    String[] parts = signerKey.split("\\+", 5); // base64 may hold a plus: split only the fields before it
    if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
      throw new IllegalArgumentException("a signer key is PRIVATE+KEY+<name>+<key id>+<key>");
    }
    int id = NoteVerifier.parseHexId(parts[3]);
    byte[] typed;
    try {
      typed = Base64.getDecoder().decode(parts[4]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the signer key's key is not base64");
    }
    if (typed.length != 1 + Ed25519Key.KEY_SIZE || typed[0] != NoteVerifier.ED25519) {
      throw new IllegalArgumentException("the signer key is not an Ed25519 seed (type 0x01, 32 bytes)");
    }
    byte[] seed = new byte[Ed25519Key.KEY_SIZE];
    System.arraycopy(typed, 1, seed, 0, seed.length);
    NoteSigner signer = of(parts[2], Ed25519Key.fromSeed(seed));
    if (signer.keyId() != id) {
      throw new IllegalArgumentException("key id " + parts[3] + " is not the id of the signer key's name and key");
    }
    return signer;
  }

  /** This key under another name (another log's origin). */
  public NoteSigner named(String otherName) {
    return of(otherName, key);
  }

  public String name() {
    return name;
  }

  public int keyId() {
    return verifier.keyId();
  }

  public Ed25519Key key() {
    return key;
  }

  public NoteVerifier verifier() {
    return verifier;
  }

  /** The raw signature of {@code message}, without the key id. */
  public byte[] sign(byte[] message) {
    return key.sign(message);
  }

  /** The secret Go form of this key. */
  public String signerKey() {
    byte[] typed = Merkle.concat(new byte[] {NoteVerifier.ED25519}, key.seed());
    return "PRIVATE+KEY+" + name + "+" + NoteVerifier.hexId(keyId()) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  @Override
  public String toString() {
    return "NoteSigner(" + verifier.vkey() + ")";
  }
}
