package tai.autonomics.ledger;

import java.util.Random;

/** Receipts with every field randomly present or absent, awkward strings and every kind of number. */
final class RandomReceipts {
  private static final String[] PIECES = {"a", "Z", "0", "9", "f", "-", "_", " ", "\"", "\\", "/", "\n", "\r", "\t",
      "\b", "\f", "\u0000", "\u0001", "\u001f", "\u007f", "\u0080", "é", "ö", "€", "\u2028", "\u2029", "中文",
      "\uD83D\uDE00", "\uFB33", "\uFFFD", "<script>", "'", "{", "}", "[", "]", ":", ","};
  private static final double[] DOUBLES = {0.0, -0.0, 1.0, -1.0, 70.0, 70.5, 0.1, 1e21, 1e20, 1e-7, 1e-6,
      5e-324, Double.MAX_VALUE, -Double.MAX_VALUE, 9007199254740992.0, 9007199254740994.0, 333333333.33333329,
      1e30, 4.5, 0.002, 1e-27, 1424953923781206.2, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
  private static final long[] LONGS = {0, 1, -1, 42, 1769400000123L, 9007199254740992L, 9007199254740993L,
      -9007199254740993L, Long.MAX_VALUE, Long.MIN_VALUE, 123456789012345678L, 1L << 62};

  private final Random random;
  private final boolean storable;

  /**
   * {@code storable} false: also what the ledger cannot store (unpaired UTF-16 surrogates, which UTF-8 cannot
   * carry, and integers beyond 2^53), to compare canonical forms on everything.
   */
  RandomReceipts(long seed, boolean storable) {
    this.random = new Random(seed);
    this.storable = storable;
  }

  Receipt next() {
    ReceiptType type = ReceiptType.values()[random.nextInt(ReceiptType.values().length)];
    Receipt.SignalRecord signal = maybe() ? new Receipt.SignalRecord(maybeString(), maybe() ? aDouble() : null,
        maybe() ? aLong() : null) : null;
    return new Receipt(maybe() ? hex(32) : maybeString(), maybe() ? aLong() : null, type, string(),
        maybeString(), maybeString(), maybeString(), maybeString(), maybeString(),
        maybe() ? random.nextInt() : null, maybe() ? digits() : maybeString(), maybeString(), maybeString(),
        maybeString(),
        maybeString(), maybeString(), signal, maybeString(), maybe() ? delivery() : null,
        maybe() ? deadLetter() : null, aLong(), maybe() ? hex(64) : maybeString(), maybe() ? hex(64) : null,
        maybe() ? inputs() : null);
  }

  private java.util.SortedMap<String, String> inputs() {
    java.util.SortedMap<String, String> inputs = new java.util.TreeMap<>();
    for (int i = random.nextInt(4); i >= 0; i--) {
      inputs.put(string(), string());
    }
    return inputs;
  }

  private Receipt.DeliveryRecord delivery() {
    return new Receipt.DeliveryRecord(maybeString(), maybe() ? random.nextInt() : null, maybeString(), maybeString());
  }

  private Receipt.DeadLetterRecord deadLetter() {
    return new Receipt.DeadLetterRecord(maybeString(), maybe() ? digits() : maybeString(), maybeString(),
        maybe() ? aLong() : null, maybe() ? hex(64) : null);
  }

  private boolean maybe() {
    return random.nextBoolean();
  }

  private String maybeString() {
    return maybe() ? string() : null;
  }

  String string() {
    int kind = random.nextInt(5);
    if (kind == 0) {
      return hex(random.nextInt(4) * 2 + random.nextInt(2));
    }
    if (kind == 1) {
      return digits();
    }
    StringBuilder out = new StringBuilder();
    int pieces = random.nextInt(8);
    for (int i = 0; i < pieces; i++) {
      if (!storable && random.nextInt(20) == 0) {
        out.append((char) (0xD800 + random.nextInt(0x800)));
      } else if (random.nextInt(6) == 0) {
        out.appendCodePoint(1 + random.nextInt(0x10FFFF - 1));
        if (storable && Character.isSurrogate(out.charAt(out.length() - 1))
            && !Character.isSupplementaryCodePoint(out.codePointBefore(out.length()))) {
          out.setLength(out.length() - 1);
        }
      } else {
        out.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    return out.toString();
  }

  String digits() {
    StringBuilder out = new StringBuilder();
    int n = 1 + random.nextInt(22);
    for (int i = 0; i < n; i++) {
      out.append((char) ('0' + random.nextInt(10)));
    }
    return out.toString();
  }

  String hex(int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }

  double aDouble() {
    return switch (random.nextInt(4)) {
      case 0 -> DOUBLES[random.nextInt(DOUBLES.length)];
      case 1 -> random.nextInt(1000) - 500;
      case 2 -> Double.longBitsToDouble(random.nextLong());
      default -> random.nextDouble() * Math.pow(10, random.nextInt(60) - 30);
    };
  }

  long aLong() {
    long value = switch (random.nextInt(3)) {
      case 0 -> LONGS[random.nextInt(LONGS.length)];
      case 1 -> random.nextInt(100000);
      default -> random.nextLong();
    };
    return storable ? value % (1L << 53) : value;
  }
}
