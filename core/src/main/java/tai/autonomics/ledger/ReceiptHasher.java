package tai.autonomics.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.erdtman.jcs.JsonCanonicalizer;
import tai.autonomics.Json;

/**
 * Computes a receipt's hash as docs/RECEIPTS.md states it: lowercase hex SHA-256 of the RFC 8785 (JCS) canonical
 * JSON of the receipt without its {@code hash} field. Stateless and thread-safe.
 */
public final class ReceiptHasher {
  private static final HexFormat HEX = HexFormat.of();

  private ReceiptHasher() {}

  /** The canonical JSON that is hashed: the receipt with {@code hash} removed, in JCS form. */
  public static String canonicalJson(Receipt receipt) {
    Receipt unhashed = receipt.sealed(receipt.id(), receipt.seq(), receipt.prevHash(), null);
    try {
      return new JsonCanonicalizer(Json.MAPPER.writeValueAsString(unhashed)).getEncodedString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("receipt cannot be written as JSON", e);
    } catch (IOException e) {
      throw new IllegalStateException("receipt JSON cannot be canonicalized", e);
    }
  }

  public static String hash(Receipt receipt) {
    return sha256Hex(canonicalJson(receipt));
  }

  /** Seals a draft: gives it an id, its seq and its link to the previous receipt, then hashes it. */
  public static Receipt seal(Receipt draft, long seq, String prevHash) {
    Receipt linked = draft.sealed(newId(), seq, prevHash, null);
    return linked.sealed(linked.id(), seq, prevHash, hash(linked));
  }

  /** 32 lowercase hex characters from a random UUID: unguessable, so ids can be handed out to clients. */
  static String newId() {
    UUID uuid = UUID.randomUUID();
    return HEX.toHexDigits(uuid.getMostSignificantBits()) + HEX.toHexDigits(uuid.getLeastSignificantBits());
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
