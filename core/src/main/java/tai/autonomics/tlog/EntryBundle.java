package tai.autonomics.tlog;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry bundle of {@code c2sp.org/tlog-tiles} ({@code tile/entries/<N>}): each entry as a big-endian uint16
 * length and its bytes, in log order. Our entries are the 32-byte receipt hashes, so a full bundle is 256 * 34 bytes.
 */
public final class EntryBundle {
  private static final int MAX_ENTRY = 0xFFFF;

  private EntryBundle() {}

  public static byte[] encode(List<byte[]> entries) {
    if (entries.size() > TilePath.FULL_WIDTH) {
      throw new IllegalArgumentException("a bundle holds at most " + TilePath.FULL_WIDTH + " entries");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(entries.size() * (2 + Merkle.HASH_SIZE));
    for (byte[] e : entries) {
      if (e.length > MAX_ENTRY) {
        throw new IllegalArgumentException("an entry is at most " + MAX_ENTRY + " bytes");
      }
      out.write(e.length >>> 8);
      out.write(e.length & 0xFF);
      out.write(e, 0, e.length);
    }
    return out.toByteArray();
  }

  /** Decodes a bundle; throws {@link IllegalArgumentException} when it is truncated or holds too many entries. */
  public static List<byte[]> decode(byte[] bundle) {
    List<byte[]> entries = new ArrayList<>();
    int i = 0;
    while (i < bundle.length) {
      if (bundle.length - i < 2) {
        throw new IllegalArgumentException("entry bundle truncated in a length at byte " + i);
      }
      int length = ((bundle[i] & 0xFF) << 8) | (bundle[i + 1] & 0xFF);
      i += 2;
      if (bundle.length - i < length) {
        throw new IllegalArgumentException("entry bundle truncated in entry " + entries.size());
      }
      byte[] e = new byte[length];
      System.arraycopy(bundle, i, e, 0, length);
      i += length;
      entries.add(e);
      if (entries.size() > TilePath.FULL_WIDTH) {
        throw new IllegalArgumentException("entry bundle holds more than " + TilePath.FULL_WIDTH + " entries");
      }
    }
    return entries;
  }
}
