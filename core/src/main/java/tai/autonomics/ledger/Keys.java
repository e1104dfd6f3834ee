package tai.autonomics.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Key and small-value encodings of the RocksDB store. Seqs are 8 bytes big-endian so byte order is seq order; a
 * receipt key is the tenant prefix (the tenant's UTF-8 length in 2 bytes, then its bytes) followed by the seq, so one
 * tenant's receipts are contiguous and in chain order. Ids of 32 lowercase hex characters (all the ledger makes) are kept as their 16 bytes.
 */
final class Keys {
  private static final byte TEXT_ID = 0;
  private static final byte HEX_ID = 1;

  private Keys() {}

  static byte[] seq(long seq) {
    byte[] key = new byte[8];
    putLong(key, 0, seq);
    return key;
  }

  static long seqOf(byte[] bytes, int offset) {
    if (bytes.length < offset + 8) {
      throw new IllegalArgumentException("key too short for a seq");
    }
    long seq = 0;
    for (int i = offset; i < offset + 8; i++) {
      seq = seq << 8 | (bytes[i] & 0xFF);
    }
    return seq;
  }

  private static void putLong(byte[] into, int offset, long value) {
    for (int i = offset + 7; i >= offset; i--) {
      into[i] = (byte) value;
      value >>>= 8;
    }
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
    return tenantSeq(tenantPrefix(tenantId), seq);
  }

  /** The receipt key: a tenant prefix ({@link #tenantPrefix}) followed by the seq. */
  static byte[] tenantSeq(byte[] prefix, long seq) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + 8);
    putLong(key, prefix.length, seq);
    return key;
  }

  /** The seq at the end of a receipt key. */
  static long seqOfTenantKey(byte[] key) {
    if (key.length < 10) {
      throw new IllegalArgumentException("receipt key too short");
    }
    return seqOf(key, key.length - 8);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
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
