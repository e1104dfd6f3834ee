package tai.autonomics.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import tai.autonomics.ledger.Receipt;

/**
 * Where the stored part of a tenant's tree ends, written beside its tiles in the write that completes a level-0 tile:
 * its size (a multiple of 256) and the seq and hash (the entry) of the last receipt it covers. The tail after it is
 * read from the receipts ({@link TreeTail}). The root is not kept: it is computed from the tiles when a checkpoint is
 * signed, once a second, rather than in every write (up to ~250 SHA-256 per tenant and commit, which tripled the
 * ledger's CPU per receipt in LedgerBenchmark).
 */
record TreeState(long size, long lastSeq, byte[] lastEntry) {
  static final TreeState EMPTY = new TreeState(0, 0, HexFormat.of().parseHex(Receipt.GENESIS_HASH));
  private static final int LENGTH = 16 + Merkle.HASH_SIZE;

  byte[] encode() {
    return ByteBuffer.allocate(LENGTH).putLong(size).putLong(lastSeq).put(lastEntry).array();
  }

  static TreeState decode(byte[] value) {
    if (value == null) {
      return EMPTY;
    }
    if (value.length != LENGTH) {
      throw new IllegalStateException("a stored tree state is " + LENGTH + " bytes, not " + value.length);
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    long size = in.getLong();
    long lastSeq = in.getLong();
    byte[] last = new byte[Merkle.HASH_SIZE];
    in.get(last);
    return new TreeState(size, lastSeq, last);
  }

  /** The keys of a tenant's tree in the side keyspace: its state, its tiles, and the seq each entry bundle starts at. */
  static final class Keys {
    private Keys() {}

    static byte[] state(String tenant) {
      return prefix(tenant, 'S', 0).array();
    }

    static byte[] tile(String tenant, int level, long index) {
      return prefix(tenant, 'T', 9).put((byte) level).putLong(index).array();
    }

    static byte[] bundleStart(String tenant, long bundle) {
      return prefix(tenant, 'E', 8).putLong(bundle).array();
    }

    // the tenant's length first: no tenant's keys are a prefix of another's
    private static ByteBuffer prefix(String tenant, char kind, int extra) {
      byte[] name = tenant.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(2 + name.length + 1 + extra).putShort((short) name.length).put(name).put((byte) kind);
    }
  }
}
