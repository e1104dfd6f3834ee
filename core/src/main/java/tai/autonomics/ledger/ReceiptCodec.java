package tai.autonomics.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The compact binary form a receipt is stored in (format 1). Every field of the JSON form is kept, so the canonical
 * JSON and the hash are derived from it exactly; {@code seq} is not stored because the key holds it.
 *
 * <p>Layout: format byte, varint presence bits, type code, tenant, timestamp, then each present field in a fixed
 * order. Strings carry a kind: decimal digits become a varint, lowercase hex (ids, hashes) becomes its bytes,
 * anything else is UTF-8. Decoding is strict: it accepts only the exact bytes the encoder writes for the decoded
 * receipt, so any changed stored byte either fails to decode or changes the receipt (and so its hash).
 */
final class ReceiptCodec {
  static final byte FORMAT = 1;
  /** Codes of the stored type byte: fixed here, so reordering the enum cannot change stored receipts. */
  private static final ReceiptType[] TYPES = {ReceiptType.TRANSITION, ReceiptType.REFUSAL, ReceiptType.ENTITLEMENT,
      ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_RESULT};
  private static final long EXACT = 1L << 53;

  private static final int ID = 1;
  private static final int STATE_FROM = 1 << 1;
  private static final int STATE_TO = 1 << 2;
  private static final int REASON = 1 << 3;
  private static final int ACTION_ID = 1 << 4;
  private static final int ACTION_TYPE = 1 << 5;
  private static final int ATTEMPTS = 1 << 6;
  private static final int MESSAGE_ID = 1 << 7;
  private static final int ENTITLEMENT_ID = 1 << 8;
  private static final int SKU = 1 << 9;
  private static final int SIGNAL = 1 << 10;
  private static final int METRIC = 1 << 11;
  private static final int VALUE = 1 << 12;
  private static final int VALUE_INTEGRAL = 1 << 13;
  private static final int SIGNAL_TIMESTAMP = 1 << 14;
  private static final int POLICY = 1 << 15;
  private static final int PREV_HASH = 1 << 16;
  private static final int HASH = 1 << 17;
  private static final int ALL = (1 << 18) - 1;

  static final int UTF8 = 0;
  static final int HEX = 1;
  static final int DECIMAL = 2;

  private ReceiptCodec() {}

  static byte[] encode(Receipt r) {
    Receipt.SignalRecord s = r.signal();
    boolean integral = s != null && s.value() != null && isIntegral(s.value());
    int flags = bit(r.id(), ID) | bit(r.stateFrom(), STATE_FROM) | bit(r.stateTo(), STATE_TO)
        | bit(r.reason(), REASON) | bit(r.actionId(), ACTION_ID) | bit(r.actionType(), ACTION_TYPE)
        | bit(r.attempts(), ATTEMPTS) | bit(r.messageId(), MESSAGE_ID) | bit(r.entitlementId(), ENTITLEMENT_ID)
        | bit(r.sku(), SKU) | bit(s, SIGNAL) | bit(r.policy(), POLICY) | bit(r.prevHash(), PREV_HASH)
        | bit(r.hash(), HASH);
    if (s != null) {
      flags |= bit(s.metric(), METRIC) | bit(s.value(), VALUE) | bit(s.timestampMs(), SIGNAL_TIMESTAMP)
          | (integral ? VALUE_INTEGRAL : 0);
    }
    Writer w = new Writer();
    w.put(FORMAT);
    w.varLong(flags);
    w.put((byte) typeCode(r.type()));
    w.string(r.tenantId());
    w.varLong(zigzag(exact(r.timestamp())));
    w.stringIf(r.id());
    w.stringIf(r.stateFrom());
    w.stringIf(r.stateTo());
    w.stringIf(r.reason());
    w.stringIf(r.actionId());
    w.stringIf(r.actionType());
    if (r.attempts() != null) {
      w.varLong(zigzag(r.attempts()));
    }
    w.stringIf(r.messageId());
    w.stringIf(r.entitlementId());
    w.stringIf(r.sku());
    if (s != null) {
      w.stringIf(s.metric());
      if (s.value() != null) {
        if (integral) {
          w.varLong(zigzag((long) s.value().doubleValue()));
        } else {
          w.fixedLong(Double.doubleToLongBits(s.value()));
        }
      }
      if (s.timestampMs() != null) {
        w.varLong(zigzag(exact(s.timestampMs())));
      }
    }
    w.stringIf(r.policy());
    w.stringIf(r.prevHash());
    w.stringIf(r.hash());
    return w.toBytes();
  }

  /** Decodes a stored value; {@code seq} comes from its key. Throws IllegalArgumentException on any bad byte. */
  static Receipt decode(long seq, byte[] bytes) {
    Reader in = new Reader(bytes);
    if (in.get() != FORMAT) {
      throw new IllegalArgumentException("unknown receipt format " + bytes[0]);
    }
    long flagsLong = in.varLong();
    if ((flagsLong & ~ALL) != 0) {
      throw new IllegalArgumentException("unknown presence bits " + Long.toHexString(flagsLong));
    }
    int flags = (int) flagsLong;
    if ((flags & SIGNAL) == 0 && (flags & (METRIC | VALUE | VALUE_INTEGRAL | SIGNAL_TIMESTAMP)) != 0
        || (flags & VALUE_INTEGRAL) != 0 && (flags & VALUE) == 0) {
      throw new IllegalArgumentException("inconsistent presence bits " + Integer.toHexString(flags));
    }
    int code = in.get();
    if (code < 0 || code >= TYPES.length) {
      throw new IllegalArgumentException("unknown receipt type code " + code);
    }
    String tenant = in.string();
    long timestamp = exact(unzigzag(in.varLong()));
    String id = in.stringIf(flags, ID);
    String stateFrom = in.stringIf(flags, STATE_FROM);
    String stateTo = in.stringIf(flags, STATE_TO);
    String reason = in.stringIf(flags, REASON);
    String actionId = in.stringIf(flags, ACTION_ID);
    String actionType = in.stringIf(flags, ACTION_TYPE);
    Integer attempts = null;
    if ((flags & ATTEMPTS) != 0) {
      long value = unzigzag(in.varLong());
      if (value != (int) value) {
        throw new IllegalArgumentException("attempts out of range");
      }
      attempts = (int) value;
    }
    String messageId = in.stringIf(flags, MESSAGE_ID);
    String entitlementId = in.stringIf(flags, ENTITLEMENT_ID);
    String sku = in.stringIf(flags, SKU);
    Receipt.SignalRecord signal = null;
    if ((flags & SIGNAL) != 0) {
      String metric = in.stringIf(flags, METRIC);
      Double value = (flags & VALUE) == 0 ? null : in.doubleValue((flags & VALUE_INTEGRAL) != 0);
      Long at = (flags & SIGNAL_TIMESTAMP) == 0 ? null : exact(unzigzag(in.varLong()));
      signal = new Receipt.SignalRecord(metric, value, at);
    }
    String policy = in.stringIf(flags, POLICY);
    String prevHash = in.stringIf(flags, PREV_HASH);
    String hash = in.stringIf(flags, HASH);
    in.expectEnd();
    return new Receipt(id, seq, TYPES[code], tenant, stateFrom, stateTo, reason, actionId, actionType, attempts,
        messageId, entitlementId, sku, signal, policy, timestamp, prevHash, hash);
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

  private static int typeCode(ReceiptType type) {
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i] == type) {
        return i;
      }
    }
    throw new IllegalArgumentException("receipt type without a stored code: " + type);
  }

  private static int bit(Object value, int bit) {
    return value == null ? 0 : bit;
  }

  /** Whole values (most metrics) are stored as varints; -0.0 and huge values keep their 8 bytes. */
  static boolean isIntegral(double v) {
    return v == Math.rint(v) && Math.abs(v) <= EXACT && Double.doubleToRawLongBits(v) != Long.MIN_VALUE;
  }

  static int kindOf(String s) {
    int n = s.length();
    if (n == 0) {
      return UTF8;
    }
    boolean digits = true;
    boolean hex = n % 2 == 0;
    for (int i = 0; i < n && (digits || hex); i++) {
      char c = s.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      digits &= digit;
      hex &= digit || (c >= 'a' && c <= 'f');
    }
    if (digits && n <= 18 && (n == 1 || s.charAt(0) != '0')) {
      return DECIMAL;
    }
    return hex ? HEX : UTF8;
  }

  static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static final class Writer {
    private byte[] buf = new byte[192];
    private int len;

    void put(byte b) {
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[len++] = b;
    }

    void varLong(long v) {
      while ((v & ~0x7FL) != 0) {
        put((byte) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      put((byte) v);
    }

    void fixedLong(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        put((byte) (v >>> shift));
      }
    }

    void stringIf(String s) {
      if (s != null) {
        string(s);
      }
    }

    void string(String s) {
      int kind = kindOf(s);
      if (kind == DECIMAL) {
        varLong((long) s.length() << 2 | DECIMAL);
        varLong(Long.parseLong(s));
      } else if (kind == HEX) {
        varLong((long) s.length() << 2 | HEX);
        for (int i = 0; i < s.length(); i += 2) {
          put((byte) (Character.digit(s.charAt(i), 16) << 4 | Character.digit(s.charAt(i + 1), 16)));
        }
      } else {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varLong((long) utf8.length << 2 | UTF8);
        if (len + utf8.length > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + utf8.length));
        }
        System.arraycopy(utf8, 0, buf, len, utf8.length);
        len += utf8.length;
      }
    }

    byte[] toBytes() {
      return Arrays.copyOf(buf, len);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    int get() {
      if (pos >= buf.length) {
        throw new IllegalArgumentException("receipt value ends early");
      }
      return buf[pos++];
    }

    /** Only the shortest form is accepted, so each number has exactly one encoding. */
    long varLong() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = get();
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (b == 0 && shift > 0 || shift == 63 && (b & 0x7E) != 0) {
            throw new IllegalArgumentException("non-canonical varint");
          }
          return result;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }

    String stringIf(int flags, int bit) {
      return (flags & bit) == 0 ? null : string();
    }

    String string() {
      long header = varLong();
      int kind = (int) (header & 3);
      long n = header >>> 2;
      String s = switch (kind) {
        case DECIMAL -> Long.toString(varLong());
        case HEX -> new String(hexChars(n));
        case UTF8 -> utf8(n);
        default -> throw new IllegalArgumentException("unknown string kind " + kind);
      };
      if (kind != UTF8 && s.length() != n || kindOf(s) != kind) {
        throw new IllegalArgumentException("non-canonical string");
      }
      return s;
    }

    private char[] hexChars(long n) {
      if (n % 2 != 0 || n / 2 > buf.length - pos) {
        throw new IllegalArgumentException("bad hex string length");
      }
      char[] chars = new char[(int) n];
      for (int i = 0; i < chars.length; i += 2) {
        int b = buf[pos++] & 0xFF;
        chars[i] = Character.forDigit(b >> 4, 16);
        chars[i + 1] = Character.forDigit(b & 0xF, 16);
      }
      return chars;
    }

    private String utf8(long n) {
      if (n > buf.length - pos) {
        throw new IllegalArgumentException("string longer than the value");
      }
      int start = pos;
      pos += (int) n;
      boolean ascii = true;
      for (int i = start; i < pos && ascii; i++) {
        ascii = buf[i] >= 0;
      }
      if (ascii) {
        return new String(buf, start, (int) n, StandardCharsets.US_ASCII);
      }
      String text = new String(buf, start, (int) n, StandardCharsets.UTF_8);
      byte[] again = text.getBytes(StandardCharsets.UTF_8);
      // malformed bytes decode to U+FFFD and would not encode back to themselves
      if (!Arrays.equals(again, 0, again.length, buf, start, pos)) {
        throw new IllegalArgumentException("string is not valid UTF-8");
      }
      return text;
    }

    double doubleValue(boolean integral) {
      if (integral) {
        long value = unzigzag(varLong());
        if (Math.abs(value) > EXACT) {
          throw new IllegalArgumentException("integral value out of range");
        }
        return value;
      }
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = bits << 8 | (get() & 0xFF);
      }
      double value = Double.longBitsToDouble(bits);
      if (isIntegral(value) || Double.doubleToLongBits(value) != bits) {
        throw new IllegalArgumentException("non-canonical double");
      }
      return value;
    }

    void expectEnd() {
      if (pos != buf.length) {
        throw new IllegalArgumentException((buf.length - pos) + " bytes after the receipt");
      }
    }
  }
}
