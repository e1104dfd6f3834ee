package tai.autonomics.tlog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The hash functions of an RFC 9162 (RFC 6962) Merkle tree with SHA-256, and the from-scratch root used by audits and
 * tests. The domain separation bytes (0x00 for leaves, 0x01 for nodes) are what make the tree's roots and proofs
 * checkable by Certificate Transparency and Go {@code sumdb/tlog} code, so they must never change.
 */
public final class Merkle {
  /** A SHA-256 hash has 32 bytes. */
  public static final int HASH_SIZE = 32;

  private static final byte[] EMPTY_ROOT = sha256().digest();

  // one digest per thread: MessageDigest.getInstance costs as much as hashing a node, and appends hash a lot
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Merkle::sha256);

  private Merkle() {}

  /** The root of the empty tree: SHA-256 of nothing (RFC 9162 §2.1.1). */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /** SHA-256(0x00 || entry). */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest sha = SHA256.get();
    sha.update((byte) 0x00);
    sha.update(entry);
    return sha.digest();
  }

  /** SHA-256(0x01 || left || right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = SHA256.get();
    sha.update((byte) 0x01);
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /** The largest power of two strictly smaller than {@code n} (n >= 2): RFC 9162's split point k. */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * The root of the tree over {@code leafHashes}, computed level by level from nothing but the leaves: the reference
   * an audit compares stored tiles and signed roots with. Folding pairs bottom-up and carrying an odd last node up
   * gives the same tree as the recursive split rule, because the split point is always the largest power of two.
   */
  public static byte[] rootOf(List<byte[]> leafHashes) {
    if (leafHashes.isEmpty()) {
      return emptyRoot();
    }
    List<byte[]> level = new ArrayList<>(leafHashes);
    while (level.size() > 1) {
      List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i + 1 < level.size(); i += 2) {
        up.add(nodeHash(level.get(i), level.get(i + 1)));
      }
      if (level.size() % 2 == 1) {
        up.add(level.get(level.size() - 1));
      }
      level = up;
    }
    return level.get(0).clone();
  }

  /** Checks that {@code hash} is a 32-byte hash and returns it. */
  static byte[] checkHash(byte[] hash, String what) {
    if (hash == null || hash.length != HASH_SIZE) {
      throw new IllegalArgumentException(what + " must be " + HASH_SIZE + " bytes");
    }
    return hash;
  }

  /** Standard base64 (RFC 4648 §4), the encoding of every hash in the C2SP formats. */
  public static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Decodes a base64 hash line; null when it is not exactly a 32-byte hash in canonical standard base64. */
  static byte[] parseBase64Hash(String line) {
    if (line.length() != 44) {
      return null;
    }
    try {
      byte[] hash = Base64.getDecoder().decode(line);
      // a canonical encoding only: the padding bits of the last character must be zero
      return hash.length == HASH_SIZE && base64(hash).equals(line) ? hash : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static boolean equal(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
