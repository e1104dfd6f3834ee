package tai.autonomics.tlog;

import java.util.ArrayList;
import java.util.List;

/** Proof hashes as text, one base64 hash per line, each line ending in a newline: the consistency proof's HTTP body. */
public final class HashLines {
  private HashLines() {}

  public static String format(List<byte[]> hashes) {
    StringBuilder out = new StringBuilder(hashes.size() * 45);
    for (byte[] h : hashes) {
      out.append(Merkle.base64(Merkle.checkHash(h, "a proof hash"))).append('\n');
    }
    return out.toString();
  }

  /** Parses the lines; throws {@link IllegalArgumentException} naming the first line that is not a hash. */
  public static List<byte[]> parse(String text) {
    List<byte[]> hashes = new ArrayList<>();
    if (text.isEmpty()) {
      return hashes;
    }
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("proof lines end in a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      byte[] h = Merkle.parseBase64Hash(lines[i]);
      if (h == null) {
        throw new IllegalArgumentException("proof line " + (i + 1) + " is not a base64 SHA-256 hash");
      }
      hashes.add(h);
    }
    return hashes;
  }
}
