package tai.autonomics.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes a receipt's hash as docs/RECEIPTS.md states it: lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785
 * (JCS) canonical JSON of the receipt without its {@code hash} field. The canonical text comes from
 * {@link CanonicalReceipt}, which CanonicalReceiptTest proves equal to the JCS library's output. Stateless and
 * thread-safe.
 */
public final class ReceiptHasher {
  private static final HexFormat HEX = HexFormat.of();
  /** Getting a digest from the provider list costs more than hashing a receipt; each thread keeps its own. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ReceiptHasher::newDigest);

  private ReceiptHasher() {}

  /** The canonical JSON that is hashed: the receipt with {@code hash} removed, in JCS form. */
  public static String canonicalJson(Receipt receipt) {
    return CanonicalReceipt.write(receipt);
  }

  /** Integers JCS writes exactly: within ±2^53, where every integer is a double. */
  static boolean isExactInJson(long value) {
    return value >= -(1L << 53) && value <= 1L << 53;
  }

  /**
   * Why a draft cannot be hashed so that every change to it shows, or null when it can: its integers must be
   * exact in JSON (I-JSON, RFC 7493), since the canonical form rounds larger ones.
   */
  public static String problemOf(Receipt draft) {
    Long signalTime = draft.signal() == null ? null : draft.signal().timestampMs();
    return !isExactInJson(draft.timestamp()) ? "timestamp beyond 2^53"
        : signalTime != null && !isExactInJson(signalTime) ? "signal timestamp_ms beyond 2^53" : null;
  }

  public static String hash(Receipt receipt) {
    return sha256Hex(CanonicalReceipt.write(receipt));
  }

  /** Seals a draft: gives it an id, its seq and its link to the previous receipt, then hashes it. */
  public static Receipt seal(Receipt draft, long seq, String prevHash) {
    Receipt linked = draft.sealed(Ids.receiptId(seq), seq, prevHash, null);
    return linked.sealed(linked.id(), seq, prevHash, hash(linked));
  }

  static String sha256Hex(String text) {
    return HEX.formatHex(SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
