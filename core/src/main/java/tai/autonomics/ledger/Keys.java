package tai.autonomics.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Key and small-value encodings of the RocksDB store. Seqs are 8 bytes big-endian so byte order is seq order; a
 * tenant key is the tenant's UTF-8 length (2 bytes), its bytes, then the seq, so one tenant's keys are contiguous
 * and in chain order. Ids of 32 lowercase hex characters (all the ledger makes) are kept as their 16 bytes.
 */
final class Keys {
  private static final byte TEXT_ID = 0;
  private static final byte HEX_ID = 1;

  private Keys() {}

  static byte[] seq(long seq) {
    return ByteBuffer.allocate(8).putLong(seq).array();
  }

  static long seqOf(byte[] bytes, int offset) {
    if (bytes.length < offset + 8) {
      throw new IllegalArgumentException("key too short for a seq");
    }
    return ByteBuffer.wrap(bytes, offset, 8).getLong();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] id(String id) {
    if (id.length() == 32 && CodecBytes.kindOf(id) == CodecBytes.HEX) {
      byte[] key = new byte[17];
      key[0] = HEX_ID;
      System.arraycopy(HexFormat.of().parseHex(id), 0, key, 1, 16);
      return key;
    }
    byte[] text = utf8(id);
    byte[] key = new byte[text.length + 1];
    key[0] = TEXT_ID;
    System.arraycopy(text, 0, key, 1, text.length);
    return key;
  }

  static byte[] tenantPrefix(String tenantId) {
    byte[] tenant = utf8(tenantId);
    if (tenant.length > 0xFFFF) {
      throw new IllegalArgumentException("tenant id longer than 65535 bytes");
    }
    return ByteBuffer.allocate(2 + tenant.length).putShort((short) tenant.length).put(tenant).array();
  }

  static byte[] tenantSeq(String tenantId, long seq) {
    byte[] prefix = tenantPrefix(tenantId);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seq).array();
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** A tenant head: seq, the hash as UTF-8 with its length, then the governor state if there is one. */
  static byte[] head(ReceiptStore.TenantHead head) {
    byte[] hash = utf8(head.hash());
    byte[] state = head.governorState() == null ? null : utf8(head.governorState());
    ByteBuffer out = ByteBuffer.allocate(8 + 2 + hash.length + (state == null ? 0 : state.length + 1));
    out.putLong(head.seq()).putShort((short) hash.length).put(hash);
    if (state != null) {
      out.put((byte) 1).put(state);
    }
    return out.array();
  }

  static ReceiptStore.TenantHead headOf(String tenantId, byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    long seq = in.getLong();
    byte[] hash = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(hash);
    String state = null;
    if (in.hasRemaining()) {
      in.get();
      byte[] text = new byte[in.remaining()];
      in.get(text);
      state = new String(text, StandardCharsets.UTF_8);
    }
    return new ReceiptStore.TenantHead(tenantId, seq, new String(hash, StandardCharsets.UTF_8), state);
  }
}
