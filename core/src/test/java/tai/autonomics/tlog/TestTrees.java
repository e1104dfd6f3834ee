package tai.autonomics.tlog;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;

/** Trees built naively from their leaves, the reference the production code is compared with. */
final class TestTrees {
  private TestTrees() {}

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Entries 0..n-1: 32 bytes each, as receipts' hashes are. */
  static List<byte[]> entries(int n) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Merkle.sha256().digest(("receipt " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }

  static List<byte[]> leafHashes(List<byte[]> entries) {
    List<byte[]> out = new ArrayList<>(entries.size());
    for (byte[] e : entries) {
      out.add(Merkle.leafHash(e));
    }
    return out;
  }

  /** Every complete subtree's hash of the tree over {@code leafHashes}, by (level, index). */
  static HashReader reader(List<byte[]> leafHashes) {
    List<List<byte[]>> levels = new ArrayList<>();
    levels.add(new ArrayList<>(leafHashes));
    while (levels.get(levels.size() - 1).size() > 1) {
      List<byte[]> below = levels.get(levels.size() - 1);
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i + 1 < below.size(); i += 2) {
        up.add(Merkle.nodeHash(below.get(i), below.get(i + 1)));
      }
      levels.add(up);
    }
    return (level, index) -> {
      if (level >= levels.size() || index >= levels.get(level).size()) {
        throw new NoSuchElementException("no hash at " + level + "/" + index);
      }
      return levels.get(level).get((int) index).clone();
    };
  }

  /** MTH(D[lo:hi]) straight from RFC 9162's recursive definition. */
  static byte[] mth(List<byte[]> leafHashes, int lo, int hi) {
    if (hi - lo == 0) {
      return Merkle.emptyRoot();
    }
    if (hi - lo == 1) {
      return leafHashes.get(lo);
    }
    int k = (int) Merkle.split(hi - lo);
    return Merkle.nodeHash(mth(leafHashes, lo, lo + k), mth(leafHashes, lo + k, hi));
  }
}
