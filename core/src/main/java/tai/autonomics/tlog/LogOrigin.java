package tai.autonomics.tlog;

import java.nio.charset.StandardCharsets;

/**
 * A tenant's log origin, {@code <log-name>/<tenant>}, which is also the key name its checkpoints are signed under.
 * C2SP signed-note v1.0.0 allows a key name no Unicode space and no plus (U+002B), and a note no ASCII control
 * character but newline; tlog-checkpoint v1.0.0 takes the origin as the note's first line. A tenant id may hold any
 * of these (the edge accepts every non-blank id of up to 256 characters), so the tenant part is percent-encoded
 * (RFC 3986 §2.1: each UTF-8 byte as {@code %XX}, upper-case hex) where the spec forbids a character, and at
 * {@code %} itself, so that two tenant ids never share an origin. Every other character stays as it is: the
 * origin of an id such as {@code acme} or {@code tenant-001} is the id itself after the log name.
 */
public final class LogOrigin {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private LogOrigin() {}

  /** The origin of {@code tenant}'s log under {@code logName} (itself a valid key name, checked at start). */
  public static String of(String logName, String tenant) {
    return logName + "/" + encode(tenant);
  }

  /** The tenant part of an origin: {@code tenant} with what a key name cannot hold, and {@code %}, encoded. */
  public static String encode(String tenant) {
    StringBuilder out = null;
    int i = 0;
    while (i < tenant.length()) {
      char ch = tenant.charAt(i);
      boolean pair = Character.isHighSurrogate(ch) && i + 1 < tenant.length()
          && Character.isLowSurrogate(tenant.charAt(i + 1));
      String unit = tenant.substring(i, i + (pair ? 2 : 1));
      boolean encode = ch == '%' || (!pair && Character.isSurrogate(ch)) || !SignedNote.isKeyName(unit);
      if (encode && out == null) {
        out = new StringBuilder(tenant.length() + 8).append(tenant, 0, i);
      }
      if (!encode) {
        if (out != null) {
          out.append(unit);
        }
      } else if (!pair && Character.isSurrogate(ch)) {
        // a lone surrogate has no UTF-8 form: its three bytes as WTF-8 writes them, so it stays distinct
        percent(out, new byte[] {
            (byte) (0xE0 | ch >> 12), (byte) (0x80 | (ch >> 6 & 0x3F)), (byte) (0x80 | (ch & 0x3F))});
      } else {
        percent(out, unit.getBytes(StandardCharsets.UTF_8));
      }
      i += unit.length();
    }
    return out == null ? tenant : out.toString();
  }

  private static void percent(StringBuilder out, byte[] bytes) {
    for (byte b : bytes) {
      out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }
  }
}
