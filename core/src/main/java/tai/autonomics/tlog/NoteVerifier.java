package tai.autonomics.tlog;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A signed-note verifier key: a key name, its 32-bit key id and an Ed25519 public key, written as a {@code vkey}
 * ({@code <name>+<hex key id>+<base64(0x01 || public key)>}, c2sp.org/signed-note §Verifier keys). The key id is
 * recomputed on parsing, so a vkey whose id does not belong to its name and key is refused.
 *
 * @param name the key name (for a log, its checkpoint origin)
 * @param keyId SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian
 * @param publicKey the 32-byte Ed25519 public key
 */
public record NoteVerifier(String name, int keyId, byte[] publicKey) {
  /** The signature type byte of Ed25519 in signed-note. */
  static final byte ED25519 = 0x01;

  public NoteVerifier {
    SignedNote.checkKeyName(name);
    if (publicKey.length != Ed25519Key.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    if (keyId != keyId(name, publicKey)) {
      throw new IllegalArgumentException("key id " + hexId(keyId) + " is not the id of " + name + " and its key");
    }
    publicKey = publicKey.clone();
  }

  /** The verifier of {@code name} for the raw public key {@code publicKey}. */
  public static NoteVerifier of(String name, byte[] publicKey) {
    return new NoteVerifier(name, keyId(name, publicKey), publicKey);
  }

  /** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]. */
  public static int keyId(String name, byte[] publicKey) {
    var sha = Merkle.sha256();
    sha.update(name.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0x0A);
    sha.update(ED25519);
    sha.update(publicKey);
    byte[] d = sha.digest();
    return ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
  }

  /** Parses a vkey; throws {@link IllegalArgumentException} naming what is wrong. */
  public static NoteVerifier parse(String vkey) {
    String[] parts = vkey.split("\\+", 3); // base64 may hold a plus: split only the fields before it
    if (parts.length != 3) {
      throw new IllegalArgumentException("a vkey is <name>+<key id>+<key>");
    }
    int id = parseHexId(parts[1]);
    byte[] key;
    try {
      key = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the vkey's key is not base64");
    }
    if (key.length == 0 || key[0] != ED25519) {
      throw new IllegalArgumentException("the vkey is not an Ed25519 key (type 0x01)");
    }
    if (key.length != 1 + Ed25519Key.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 vkey holds 32 key bytes");
    }
    byte[] raw = new byte[Ed25519Key.KEY_SIZE];
    System.arraycopy(key, 1, raw, 0, raw.length);
    return new NoteVerifier(parts[0], id, raw);
  }

  public String vkey() {
    byte[] typed = new byte[1 + publicKey.length];
    typed[0] = ED25519;
    System.arraycopy(publicKey, 0, typed, 1, publicKey.length);
    return name + "+" + hexId(keyId) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  /** Whether {@code sig} (without its key id) is this key's Ed25519 signature of {@code message}. */
  public boolean verify(byte[] message, byte[] sig) {
    return Ed25519Key.verify(publicKey, message, sig);
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier v && v.name.equals(name) && v.keyId == keyId
        && java.util.Arrays.equals(v.publicKey, publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + keyId;
  }

  @Override
  public String toString() {
    return vkey();
  }

  static String hexId(int id) {
    return HexFormat.of().toHexDigits(id);
  }

  static int parseHexId(String hex) {
    if (hex.length() != 8 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("a key id is 8 lowercase hex digits");
    }
    return (int) Long.parseLong(hex, 16);
  }
}
