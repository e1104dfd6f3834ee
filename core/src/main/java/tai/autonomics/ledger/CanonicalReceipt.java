package tai.autonomics.ledger;

import java.io.IOException;
import org.erdtman.jcs.NumberToJSON;

/**
 * Writes a receipt's RFC 8785 (JCS) canonical JSON directly, without the generic path (Jackson, then the JCS
 * library parsing and re-serializing it), which costs about 7 µs a receipt, several times the rest of sealing one.
 * The output is the library's, character for character: CanonicalReceiptTest compares both on many randomized
 * receipts, and numbers go through the library's own ES6 number formatter.
 *
 * <p>The field set is fixed, so JCS's key order (UTF-16 code units) is fixed too and written out below; all keys are
 * ASCII. Stateless and thread-safe.
 */
final class CanonicalReceipt {
  /** Integers up to 2^53 are exact doubles and JCS prints them as plain digits; beyond, they round like doubles. */
  private static final long EXACT = 1L << 53;

  private CanonicalReceipt() {}

  /** The canonical JSON of {@code receipt} without its {@code hash}: the text that is hashed. */
  static String write(Receipt receipt) {
    return write(receipt, false);
  }

  /** The canonical JSON of {@code receipt} with its {@code hash} (when sealed): the receipt as the API shows it. */
  static String writeWithHash(Receipt receipt) {
    return write(receipt, true);
  }

  private static String write(Receipt receipt, boolean withHash) {
    StringBuilder out = new StringBuilder(1024);
    write(out, receipt, withHash);
    return out.toString();
  }

  private static void write(StringBuilder out, Receipt receipt, boolean withHash) {
    Fields fields = new Fields(out);
    out.append('{');
    // JCS order: keys sorted by UTF-16 code units ('_' sorts before lowercase letters)
    fields.string("action_id", receipt.actionId());
    fields.string("action_type", receipt.actionType());
    fields.number("attempts", receipt.attempts() == null ? null : receipt.attempts().longValue());
    fields.string("customer_id", receipt.customerId());
    fields.string("entitlement_id", receipt.entitlementId());
    // "hash" sorts here; it is never part of the hashed form
    if (withHash) {
      fields.string("hash", receipt.hash());
    }
    fields.string("id", receipt.id());
    fields.string("message_id", receipt.messageId());
    fields.string("pending_sku", receipt.pendingSku());
    fields.string("policy", receipt.policy());
    fields.string("prev_hash", receipt.prevHash());
    fields.string("reason", receipt.reason());
    fields.number("seq", receipt.seq());
    if (receipt.signal() != null) {
      fields.key("signal");
      writeSignal(out, receipt.signal());
    }
    fields.string("sku", receipt.sku());
    fields.string("state_from", receipt.stateFrom());
    fields.string("state_to", receipt.stateTo());
    fields.string("tenant_id", receipt.tenantId());
    fields.number("timestamp", receipt.timestamp());
    fields.string("type", receipt.type().wireName());
    out.append('}');
  }

  private static void writeSignal(StringBuilder out, Receipt.SignalRecord signal) {
    Fields fields = new Fields(out);
    out.append('{');
    fields.string("metric", signal.metric());
    fields.number("timestamp_ms", signal.timestampMs());
    if (signal.value() != null) {
      fields.key("value");
      writeDouble(out, signal.value());
    }
    out.append('}');
  }

  /** Writes members separated by commas, skipping absent (null) values as the JSON form does. */
  private static final class Fields {
    private final StringBuilder out;
    private boolean first = true;

    Fields(StringBuilder out) {
      this.out = out;
    }

    void key(String name) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append('"').append(name).append("\":");
    }

    void string(String name, String value) {
      if (value != null) {
        key(name);
        writeString(out, value);
      }
    }

    void number(String name, Long value) {
      if (value != null) {
        key(name);
        writeLong(out, value);
      }
    }
  }

  static void writeLong(StringBuilder out, long value) {
    if (value >= -EXACT && value <= EXACT) {
      out.append(value);
    } else {
      writeDouble(out, (double) value);
    }
  }

  /**
   * Jackson writes non-finite doubles as the strings "NaN", "Infinity" and "-Infinity" (JCS has no such numbers),
   * so the canonical form carries them as those strings; every finite value uses the ES6 number form.
   */
  static void writeDouble(StringBuilder out, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      writeString(out, Double.toString(value));
      return;
    }
    try {
      out.append(NumberToJSON.serializeNumber(value));
    } catch (IOException e) {
      throw new IllegalStateException("finite double " + value + " has no ES6 form", e);
    }
  }

  /** JCS string form: only '"', '\\' and control characters are escaped; everything else is written as is. */
  static void writeString(StringBuilder out, String value) {
    out.append('"');
    int length = value.length();
    int plain = 0;
    while (plain < length && needsNoEscape(value.charAt(plain))) {
      plain++;
    }
    // ids, hashes and names need no escaping: copy them whole
    out.append(value, 0, plain);
    for (int i = plain; i < length; i++) {
      char c = value.charAt(i);
      if (needsNoEscape(c)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
      }
    }
    out.append('"');
  }

  private static boolean needsNoEscape(char c) {
    return c >= 0x20 && c != '"' && c != '\\';
  }
}
