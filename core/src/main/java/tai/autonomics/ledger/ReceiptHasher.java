package tai.autonomics.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.erdtman.jcs.NumberToJSON;
import tai.autonomics.Json;

/**
 * Computes a receipt's hash as docs/RECEIPTS.md states it: lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785
 * (JCS) canonical JSON of the receipt without its {@code hash} field. The canonical JSON is written by the project's
 * Jackson: {@link Receipt} lists its properties alphabetically (JCS order, all keys being ASCII) and leaves absent
 * ones out, control characters are escaped with lowercase hex as JCS asks, and numbers take JCS's ES6 form through
 * the JCS library's own formatter. The output is the JCS library's, character for character: CanonicalReceiptTest
 * compares both on many randomized receipts. Stateless and thread-safe.
 */
public final class ReceiptHasher {
  private static final HexFormat HEX = HexFormat.of();
  /** Getting a digest from the provider list costs more than hashing a receipt; each thread keeps its own. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ReceiptHasher::newDigest);
  private static final ObjectWriter WRITER = Json.MAPPER.copy()
      .registerModule(new SimpleModule("jcs-numbers")
          .addSerializer(Long.class, new JcsNumber()).addSerializer(long.class, new JcsNumber())
          .addSerializer(Double.class, new JcsNumber()).addSerializer(double.class, new JcsNumber()))
      .writer().without(JsonGenerator.Feature.WRITE_HEX_UPPER_CASE);

  private ReceiptHasher() {}

  /** The canonical JSON that is hashed: the receipt with {@code hash} removed, in JCS form. */
  public static String canonicalJson(Receipt receipt) {
    return canonicalJsonWithHash(receipt.hash() == null ? receipt
        : receipt.sealed(receipt.id(), receipt.seq(), receipt.prevHash(), null));
  }

  /** The canonical JSON of {@code receipt} with its {@code hash} (when sealed): the receipt as the API shows it. */
  static String canonicalJsonWithHash(Receipt receipt) {
    try {
      return WRITER.writeValueAsString(receipt);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("receipt cannot be written as JSON", e);
    }
  }

  /** Integers JCS writes exactly: within ±2^53, where every integer is a double. */
  private static boolean isExactInJson(long value) {
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
    return sha256Hex(canonicalJson(receipt));
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

  /**
   * A number in JCS's ES6 form. Integers up to 2^53 are exact doubles and JCS prints their digits; beyond, they round
   * as doubles do. JCS has no NaN or infinities, so they are written as the strings Jackson gives them ("NaN",
   * "Infinity", "-Infinity").
   */
  private static final class JcsNumber extends StdSerializer<Number> {
    JcsNumber() {
      super(Number.class);
    }

    @Override
    public void serialize(Number value, JsonGenerator out, SerializerProvider provider) throws IOException {
      double asDouble = value.doubleValue();
      if (value instanceof Long exact && isExactInJson(exact)) {
        out.writeNumber(exact.longValue());
      } else if (Double.isNaN(asDouble) || Double.isInfinite(asDouble)) {
        out.writeString(value.toString());
      } else if (asDouble == Math.rint(asDouble) && Math.abs(asDouble) < 1L << 53) {
        // ES6 writes an integral double below 2^53 as its digits; most metric values are such, and writing them
        // as a long skips the general formatter, the costliest step of a seal (LedgerBenchmark's seal line)
        out.writeNumber((long) asDouble);
      } else {
        out.writeNumber(NumberToJSON.serializeNumber(asDouble));
      }
    }
  }
}
