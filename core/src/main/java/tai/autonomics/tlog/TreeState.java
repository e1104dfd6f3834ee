package tai.autonomics.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import tai.autonomics.ledger.Receipt;

/**
 * Where a tenant's tree stands, stored beside its tiles in the same write: its size, the seq and hash (the entry) of
 * the last receipt it covers, and its root. The last entry is what tells the next append whether the tree and the
 * chain still meet: a receipt whose {@code prev_hash} is not it follows receipts the tree does not cover yet (a ledger
 * written before the tree existed), which the append then covers first.
 */
record TreeState(long size, long lastSeq, byte[] lastEntry, byte[] root) {
  static final TreeState EMPTY = new TreeState(0, 0, HexFormat.of().parseHex(Receipt.GENESIS_HASH), Merkle.emptyRoot());
  private static final int LENGTH = 16 + 2 * Merkle.HASH_SIZE;

  String lastHash() {
    return HexFormat.of().formatHex(lastEntry);
  }

  byte[] encode() {
    return ByteBuffer.allocate(LENGTH).putLong(size).putLong(lastSeq).put(lastEntry).put(root).array();
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
    byte[] root = new byte[Merkle.HASH_SIZE];
    in.get(last).get(root);
    return new TreeState(size, lastSeq, last, root);
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
