package tai.autonomics.tlog;

import java.util.ArrayList;
import java.util.List;

/**
 * One tile of the tree, or one entry bundle, named as {@code c2sp.org/tlog-tiles} names it: {@code tile/<L>/<N>} or
 * {@code tile/entries/<N>}, with {@code .p/<W>} for a partial one, and N written in 3-digit groups all but the last
 * prefixed with {@code x} (1234067 is {@code x001/x234/067}). Parsing accepts only the canonical spelling, so one
 * tile has one path and a cache or a file system can serve it as is.
 *
 * @param level the tile level (0 to 63), or {@link #ENTRIES} for an entry bundle
 * @param index N, the tile's number within its level
 * @param width the number of hashes (or entries) in it, 1 to 256; 256 is a full tile
 */
public record TilePath(int level, long index, int width) {
  /** Tiles are 2^8 hashes wide. */
  public static final int HEIGHT = 8;
  /** A full tile holds 256 hashes (8192 bytes). */
  public static final int FULL_WIDTH = 1 << HEIGHT;
  /** The level that stands for the entry bundles {@code tile/entries/...}. */
  public static final int ENTRIES = -1;

  private static final int MAX_LEVEL = 63;
  private static final int GROUP = 1000;

  public TilePath {
    if (level < ENTRIES || level > MAX_LEVEL) {
      throw new IllegalArgumentException("tile level must be 0 to " + MAX_LEVEL);
    }
    if (index < 0) {
      throw new IllegalArgumentException("tile index must not be negative");
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw new IllegalArgumentException("tile width must be 1 to " + FULL_WIDTH);
    }
  }

  /** The hash tile (level, index) of width {@code width}. */
  public static TilePath hashes(int level, long index, int width) {
    if (level < 0) {
      throw new IllegalArgumentException("tile level must be 0 to " + MAX_LEVEL);
    }
    return new TilePath(level, index, width);
  }

  /** The entry bundle {@code index} of width {@code width}. */
  public static TilePath entries(long index, int width) {
    return new TilePath(ENTRIES, index, width);
  }

  public boolean isEntries() {
    return level == ENTRIES;
  }

  public boolean isFull() {
    return width == FULL_WIDTH;
  }

  /** The tiles and bundles of a tree of {@code size} leaves, full and partial, level by level (tlog-tiles §Merkle Tree). */
  public static List<TilePath> tilesOf(long size, boolean withEntryBundles) {
    List<TilePath> out = new ArrayList<>();
    for (int level = 0; countAt(level, size) > 0; level++) {
      long count = countAt(level, size);
      for (long n = 0; n < count >>> HEIGHT; n++) {
        out.add(hashes(level, n, FULL_WIDTH));
        if (level == 0 && withEntryBundles) {
          out.add(entries(n, FULL_WIDTH));
        }
      }
      int rest = (int) (count % FULL_WIDTH);
      if (rest > 0) {
        out.add(hashes(level, count >>> HEIGHT, rest));
        if (level == 0 && withEntryBundles) {
          out.add(entries(count >>> HEIGHT, rest));
        }
      }
    }
    return out;
  }

  /**
   * The width this tile has in the tree of {@code size} leaves: 256 once full, the partial width while it fills, 0
   * when the tree does not reach it yet.
   */
  public static int widthIn(int level, long index, long size) {
    long count = countAt(Math.max(level, 0), size);
    if (index > (Long.MAX_VALUE >>> HEIGHT) || count <= index * FULL_WIDTH) {
      return 0;
    }
    return (int) Math.min(FULL_WIDTH, count - index * FULL_WIDTH);
  }

  /**
   * The number of hashes at tile level {@code level} of a tree of {@code size} leaves: size / 256^level. Written out
   * because Java takes shift distances mod 64, and a 64-bit size has no hashes from level 8 up.
   */
  public static long countAt(int level, long size) {
    return level * HEIGHT >= Long.SIZE ? 0 : size >>> (level * HEIGHT);
  }

  /** The path, e.g. {@code tile/0/x001/x234/067.p/8} or {@code tile/entries/000}. */
  public String path() {
    StringBuilder n = new StringBuilder(String.format("%03d", index % GROUP));
    for (long rest = index / GROUP; rest > 0; rest /= GROUP) {
      n.insert(0, String.format("x%03d/", rest % GROUP));
    }
    String partial = isFull() ? "" : ".p/" + width;
    return "tile/" + (isEntries() ? "entries" : Integer.toString(level)) + "/" + n + partial;
  }

  @Override
  public String toString() {
    return path();
  }

  /** Parses a canonical tile path; throws {@link IllegalArgumentException} naming what is wrong. */
  public static TilePath parse(String path) {
    String[] parts = path.split("/", -1);
    if (parts.length < 3 || !parts[0].equals("tile")) {
      throw new IllegalArgumentException("a tile path is tile/<L>/<N>[.p/<W>]");
    }
    int level = parts[1].equals("entries") ? ENTRIES : decimal(parts[1], MAX_LEVEL, "level");
    int end = parts.length;
    int width = FULL_WIDTH;
    if (parts[end - 2].endsWith(".p")) {
      width = decimal(parts[end - 1], FULL_WIDTH - 1, "width");
      if (width == 0) {
        throw new IllegalArgumentException("a partial tile's width is 1 to 255");
      }
      parts[end - 2] = parts[end - 2].substring(0, parts[end - 2].length() - 2);
      end--;
    }
    long index = 0;
    for (int i = 2; i < end; i++) {
      String group = parts[i];
      boolean last = i == end - 1;
      if (!last && !group.startsWith("x")) {
        throw new IllegalArgumentException("all but the last group of N start with x");
      }
      String digits = last ? group : group.substring(1);
      if (digits.length() != 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("N is written in groups of 3 digits");
      }
      try {
        index = Math.addExact(Math.multiplyExact(index, GROUP), Integer.parseInt(digits));
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("tile index too large");
      }
    }
    TilePath tile = new TilePath(level, index, width);
    if (!tile.path().equals(path)) {
      throw new IllegalArgumentException("not the canonical path of " + tile.path());
    }
    return tile;
  }

  private static int decimal(String s, int max, String what) {
    if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(c -> c >= '0' && c <= '9')
        || (s.length() > 1 && s.charAt(0) == '0')) {
      throw new IllegalArgumentException("tile " + what + " must be a decimal without leading zeros");
    }
    int v = Integer.parseInt(s);
    if (v > max) {
      throw new IllegalArgumentException("tile " + what + " must be at most " + max);
    }
    return v;
  }
}
