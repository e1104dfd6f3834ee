package tai.autonomics.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte-level pieces of {@link ReceiptCodec}: varints (shortest form only), zigzag signs, and strings tagged with
 * their kind (decimal digits as a varint, lowercase hex as its bytes, otherwise UTF-8). The reader refuses every
 * form the writer would not produce, so each value has exactly one encoding.
 */
final class CodecBytes {
  static final int UTF8 = 0;
  static final int HEX = 1;
  static final int DECIMAL = 2;
  private static final long EXACT = 1L << 53;
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** The value of each lowercase hex digit by its ASCII code, -1 for every other code below 128. */
  private static final byte[] NIBBLE = new byte[128];
  /** The two ASCII hex digits of every byte value, at {@code 2 * b} and {@code 2 * b + 1}. */
  private static final byte[] HEX_PAIRS = new byte[512];

  static {
    Arrays.fill(NIBBLE, (byte) -1);
    for (int i = 0; i < 16; i++) {
      NIBBLE[HEX_DIGITS[i]] = (byte) i;
    }
    for (int b = 0; b < 256; b++) {
      HEX_PAIRS[2 * b] = HEX_DIGITS[b >> 4];
      HEX_PAIRS[2 * b + 1] = HEX_DIGITS[b & 0xF];
    }
  }

  private CodecBytes() {}

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
      int nibble = c < 128 ? NIBBLE[c] : -1;
      digits &= nibble >= 0 && nibble < 10;
      hex &= nibble >= 0;
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

  static final class Writer {
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
        int n = s.length();
        if (len + n / 2 > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n / 2));
        }
        // kindOf checked every character: each is a lowercase hex digit
        for (int i = 0; i < n; i += 2) {
          buf[len++] = (byte) (NIBBLE[s.charAt(i)] << 4 | NIBBLE[s.charAt(i + 1)]);
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

  static final class Reader {
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
        case DECIMAL -> decimal(n);
        case HEX -> hex(n);
        case UTF8 -> utf8(n);
        default -> throw new IllegalArgumentException("unknown string kind " + kind);
      };
      // hex and decimal strings are checked as they are read; text is rare to look like either
      if (kind == UTF8 && kindOf(s) != UTF8) {
        throw new IllegalArgumentException("non-canonical string");
      }
      return s;
    }

    private String decimal(long n) {
      String s = Long.toString(varLong());
      // a negative or overlong number, or a length that does not match, was not written by the writer
      if (s.length() != n || n > 18 || s.charAt(0) == '-') {
        throw new IllegalArgumentException("non-canonical decimal string");
      }
      return s;
    }

    private String hex(long n) {
      if (n % 2 != 0 || n == 0 || n / 2 > buf.length - pos) {
        throw new IllegalArgumentException("bad hex string length");
      }
      byte[] chars = new byte[(int) n];
      for (int i = 0; i < chars.length; i += 2) {
        int b = buf[pos++] & 0xFF;
        chars[i] = HEX_PAIRS[2 * b];
        chars[i + 1] = HEX_PAIRS[2 * b + 1];
      }
      // digits alone, short enough and without a leading zero, are written as a decimal
      if (n <= 18 && chars[0] != '0' && digitsOnly(chars)) {
        throw new IllegalArgumentException("non-canonical hex string");
      }
      return new String(chars, StandardCharsets.ISO_8859_1);
    }

    private static boolean digitsOnly(byte[] chars) {
      for (byte c : chars) {
        if (c > '9') {
          return false;
        }
      }
      return true;
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
