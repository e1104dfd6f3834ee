package tai.autonomics.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The compact binary form a receipt is stored in (format 1). Every field of the JSON form is kept, so the canonical
 * JSON and the hash are derived from it exactly; {@code seq} is not stored because the key holds it.
 *
 * <p>Layout: format byte, varint presence bits, type code, tenant, timestamp, then each present field in a fixed
 * order. Numbers are varints (zigzag for signed ones), a double that is not integral its 8 bytes. Strings carry a
 * kind in the low 2 bits of their length: decimal digits become a varint, lowercase hex (ids, hashes) its bytes,
 * anything else UTF-8. A changed stored byte is caught by re-hashing the decoded receipt; the decoder refuses only
 * what re-hashing cannot see (a bit or a length the decoded receipt does not show).
 */
final class ReceiptCodec {
  static final byte FORMAT = 1;
  /** Codes of the stored type byte: fixed here, so reordering the enum cannot change stored receipts. */
  private static final ReceiptType[] TYPES = {ReceiptType.TRANSITION, ReceiptType.REFUSAL, ReceiptType.ENTITLEMENT,
      ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_RESULT};
  private static final HexFormat HEX = HexFormat.of();
  private static final int UTF8_KIND = 0;
  private static final int HEX_KIND = 1;
  private static final int DECIMAL_KIND = 2;

  /** Bit i of the presence bits is set when field i is present. Never reorder: stored receipts depend on it. */
  private enum Bit {
    ID, STATE_FROM, STATE_TO, REASON, ACTION_ID, ACTION_TYPE, ATTEMPTS, MESSAGE_ID, ENTITLEMENT_ID, SKU, SIGNAL,
    METRIC, VALUE, VALUE_INTEGRAL, SIGNAL_TIMESTAMP, POLICY, PREV_HASH, HASH, CUSTOMER_ID, PENDING_SKU, SUBSCRIPTION,
    PROVIDER_ID;

    final int mask = 1 << ordinal();
  }

  private static final int ALL = (1 << Bit.values().length) - 1;
  private static final int SIGNAL_PARTS =
      Bit.METRIC.mask | Bit.VALUE.mask | Bit.VALUE_INTEGRAL.mask | Bit.SIGNAL_TIMESTAMP.mask;

  private ReceiptCodec() {}

  static byte[] encode(Receipt r) {
    Receipt.SignalRecord s = r.signal();
    boolean integral = s != null && s.value() != null && isIntegral(s.value());
    int flags = bit(r.id(), Bit.ID) | bit(r.stateFrom(), Bit.STATE_FROM) | bit(r.stateTo(), Bit.STATE_TO)
        | bit(r.reason(), Bit.REASON) | bit(r.actionId(), Bit.ACTION_ID) | bit(r.actionType(), Bit.ACTION_TYPE)
        | bit(r.attempts(), Bit.ATTEMPTS) | bit(r.messageId(), Bit.MESSAGE_ID)
        | bit(r.entitlementId(), Bit.ENTITLEMENT_ID) | bit(r.sku(), Bit.SKU) | bit(s, Bit.SIGNAL)
        | bit(r.policy(), Bit.POLICY) | bit(r.prevHash(), Bit.PREV_HASH) | bit(r.hash(), Bit.HASH)
        | bit(r.customerId(), Bit.CUSTOMER_ID) | bit(r.pendingSku(), Bit.PENDING_SKU)
        | bit(r.subscription(), Bit.SUBSCRIPTION) | bit(r.providerId(), Bit.PROVIDER_ID);
    if (s != null) {
      flags |= bit(s.metric(), Bit.METRIC) | bit(s.value(), Bit.VALUE) | bit(s.timestampMs(), Bit.SIGNAL_TIMESTAMP)
          | (integral ? Bit.VALUE_INTEGRAL.mask : 0);
    }
    ByteArrayOutputStream w = new ByteArrayOutputStream(192);
    w.write(FORMAT);
    varLong(w, flags);
    w.write(Arrays.asList(TYPES).indexOf(r.type()));
    strings(w, r.tenantId());
    varLong(w, zigzag(exact(r.timestamp())));
    strings(w, r.id(), r.stateFrom(), r.stateTo(), r.reason(), r.actionId(), r.actionType());
    if (r.attempts() != null) {
      varLong(w, zigzag(r.attempts()));
    }
    strings(w, r.messageId(), r.entitlementId(), r.sku());
    if (s != null) {
      strings(w, s.metric());
      if (integral) {
        varLong(w, zigzag(s.value().longValue()));
      } else if (s.value() != null) {
        w.writeBytes(ByteBuffer.allocate(8).putDouble(s.value()).array());
      }
      if (s.timestampMs() != null) {
        varLong(w, zigzag(exact(s.timestampMs())));
      }
    }
    strings(w, r.policy(), r.prevHash(), r.hash(), r.customerId(), r.pendingSku(), r.subscription(), r.providerId());
    return w.toByteArray();
  }

  /** Decodes a stored value; {@code seq} comes from its key. Throws IllegalArgumentException on any bad byte. */
  static Receipt decode(long seq, byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != FORMAT) {
        throw new IllegalArgumentException("unknown receipt format " + bytes[0]);
      }
      long flags = varLong(in);
      // bits that no field shows: a change to them would not change the hash
      if ((flags & ~ALL) != 0 || !has(flags, Bit.SIGNAL) && (flags & SIGNAL_PARTS) != 0
          || has(flags, Bit.VALUE_INTEGRAL) && !has(flags, Bit.VALUE)) {
        throw new IllegalArgumentException("unknown or inconsistent presence bits " + Long.toHexString(flags));
      }
      ReceiptType type = TYPES[in.get()];
      String tenant = string(in);
      long timestamp = exact(unzigzag(varLong(in)));
      String id = stringIf(in, flags, Bit.ID);
      String stateFrom = stringIf(in, flags, Bit.STATE_FROM);
      String stateTo = stringIf(in, flags, Bit.STATE_TO);
      String reason = stringIf(in, flags, Bit.REASON);
      String actionId = stringIf(in, flags, Bit.ACTION_ID);
      String actionType = stringIf(in, flags, Bit.ACTION_TYPE);
      Integer attempts = has(flags, Bit.ATTEMPTS) ? Math.toIntExact(unzigzag(varLong(in))) : null;
      String messageId = stringIf(in, flags, Bit.MESSAGE_ID);
      String entitlementId = stringIf(in, flags, Bit.ENTITLEMENT_ID);
      String sku = stringIf(in, flags, Bit.SKU);
      Receipt.SignalRecord signal = null;
      if (has(flags, Bit.SIGNAL)) {
        String metric = stringIf(in, flags, Bit.METRIC);
        Double value = !has(flags, Bit.VALUE) ? null
            : has(flags, Bit.VALUE_INTEGRAL) ? (double) exact(unzigzag(varLong(in))) : notIntegral(in.getLong());
        Long at = has(flags, Bit.SIGNAL_TIMESTAMP) ? exact(unzigzag(varLong(in))) : null;
        signal = new Receipt.SignalRecord(metric, value, at);
      }
      String policy = stringIf(in, flags, Bit.POLICY);
      String prevHash = stringIf(in, flags, Bit.PREV_HASH);
      String hash = stringIf(in, flags, Bit.HASH);
      String customerId = stringIf(in, flags, Bit.CUSTOMER_ID);
      String pendingSku = stringIf(in, flags, Bit.PENDING_SKU);
      String subscription = stringIf(in, flags, Bit.SUBSCRIPTION);
      String providerId = stringIf(in, flags, Bit.PROVIDER_ID);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the receipt");
      }
      return new Receipt(id, seq, type, tenant, stateFrom, stateTo, reason, actionId, actionType, attempts,
          messageId, subscription, providerId, entitlementId, sku, customerId, pendingSku, signal, policy, timestamp,
          prevHash, hash);
    } catch (BufferUnderflowException | IndexOutOfBoundsException | ArithmeticException e) {
      throw new IllegalArgumentException("receipt value is malformed: " + e);
    }
  }

  /** Whole values (most metrics) are stored as varints; -0.0 and huge values keep their 8 bytes. */
  private static boolean isIntegral(double v) {
    return v == Math.rint(v) && Math.abs(v) <= 1L << 53 && Double.doubleToRawLongBits(v) != Long.MIN_VALUE;
  }

  /** -0.0 read as 0.0, or another NaN, would hash as before: such bytes are not the writer's. */
  private static double notIntegral(long bits) {
    double value = Double.longBitsToDouble(bits);
    if (isIntegral(value) || Double.doubleToLongBits(value) != bits) {
      throw new IllegalArgumentException("integral or non-canonical double stored as 8 bytes");
    }
    return value;
  }

  private static int kindOf(String s) {
    int n = s.length();
    boolean digits = n > 0;
    boolean hex = n > 0 && n % 2 == 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      digits &= c >= '0' && c <= '9';
      hex &= c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
    }
    if (digits && n <= 18 && (n == 1 || s.charAt(0) != '0')) {
      return DECIMAL_KIND;
    }
    return hex ? HEX_KIND : UTF8_KIND;
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /**
   * JCS writes numbers as doubles, so integers beyond 2^53 lose digits in the hashed form and a change to them
   * could go unseen: they are neither stored nor read back (the Ledger refuses such drafts first).
   */
  private static long exact(long value) {
    if (!ReceiptHasher.isExactInJson(value)) {
      throw new IllegalArgumentException("integer " + value + " is beyond 2^53 and has no exact JSON form");
    }
    return value;
  }

  private static int bit(Object value, Bit bit) {
    return value == null ? 0 : bit.mask;
  }

  private static boolean has(long flags, Bit bit) {
    return (flags & bit.mask) != 0;
  }

  /** Each string that is present, with its kind and length. */
  private static void strings(ByteArrayOutputStream out, String... strings) {
    for (String s : strings) {
      int kind = s == null ? -1 : kindOf(s);
      if (kind == DECIMAL_KIND) {
        varLong(out, (long) s.length() << 2 | kind);
        varLong(out, Long.parseLong(s));
      } else if (kind >= 0) {
        byte[] bytes = kind == HEX_KIND ? HEX.parseHex(s) : s.getBytes(StandardCharsets.UTF_8);
        varLong(out, (long) (kind == HEX_KIND ? s.length() : bytes.length) << 2 | kind);
        out.writeBytes(bytes);
      }
    }
  }

  private static String stringIf(ByteBuffer in, long flags, Bit bit) {
    return has(flags, bit) ? string(in) : null;
  }

  private static String string(ByteBuffer in) {
    long header = varLong(in);
    int kind = (int) (header & 3);
    long n = header >>> 2;
    String s = switch (kind) {
      case DECIMAL_KIND -> Long.toString(varLong(in));
      case HEX_KIND -> n > 0 && n % 2 == 0 ? HEX.formatHex(bytes(in, n / 2)) : null;
      case UTF8_KIND -> new String(bytes(in, n), StandardCharsets.UTF_8);
      default -> null;
    };
    // the kind of an empty string and the length of a decimal do not show in the text: only the writer's are read
    if (s == null || kind != UTF8_KIND && s.length() != n) {
      throw new IllegalArgumentException("bad string header " + header);
    }
    return s;
  }

  private static byte[] bytes(ByteBuffer in, long n) {
    byte[] bytes = new byte[(int) Math.min(n, in.remaining() + 1L)];
    in.get(bytes);
    return bytes;
  }

  private static void varLong(ByteArrayOutputStream out, long v) {
    for (; (v & ~0x7FL) != 0; v >>>= 7) {
      out.write((int) ((v & 0x7F) | 0x80));
    }
    out.write((int) v);
  }

  private static long varLong(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
