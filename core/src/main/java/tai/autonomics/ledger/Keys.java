package tai.autonomics.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Key and small-value encodings of the RocksDB store. Seqs are 8 bytes big-endian so byte order is seq order; a
 * receipt key is the tenant prefix (the tenant's UTF-8 length in 2 bytes, then its bytes) followed by the seq, so one
 * tenant's receipts are contiguous and in chain order. Ids of 32 lowercase hex characters (all the ledger makes) are
 * kept as their 16 bytes.
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

  private static final byte STATE = 1;
  private static final byte STATE_WITH_ENTRY = 2;
  private static final int HAS_REASON = 1;
  private static final int HAS_SINCE = 2;

  /**
   * A tenant head: seq, the hash as UTF-8 with its length, then the governor state if there is one. Heads written
   * before the governor entry existed end with marker 1 and the state; with marker 2 come the state with its length,
   * a byte saying which of reason and since follow, since (8 bytes) and the reason to the end.
   */
  static byte[] head(ReceiptStore.TenantHead head) {
    byte[] hash = utf8(head.hash());
    byte[] state = head.governorState() == null ? null : utf8(head.governorState());
    byte[] reason = head.governorReason() == null ? null : utf8(head.governorReason());
    Long since = head.governorSince();
    int size = 8 + 2 + hash.length;
    if (state != null) {
      size += 1 + 2 + state.length + 1 + (since == null ? 0 : 8) + (reason == null ? 0 : reason.length);
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putLong(head.seq()).putShort((short) hash.length).put(hash);
    if (state != null) {
      out.put(STATE_WITH_ENTRY).putShort((short) state.length).put(state);
      out.put((byte) ((reason == null ? 0 : HAS_REASON) | (since == null ? 0 : HAS_SINCE)));
      if (since != null) {
        out.putLong(since);
      }
      if (reason != null) {
        out.put(reason);
      }
    }
    return out.array();
  }

  static ReceiptStore.TenantHead headOf(String tenantId, byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    long seq = in.getLong();
    byte[] hash = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(hash);
    String hashText = new String(hash, StandardCharsets.UTF_8);
    if (!in.hasRemaining()) {
      return new ReceiptStore.TenantHead(tenantId, seq, hashText, null);
    }
    if (in.get() == STATE) {
      return new ReceiptStore.TenantHead(tenantId, seq, hashText, text(in, in.remaining()));
    }
    String state = text(in, Short.toUnsignedInt(in.getShort()));
    int present = in.get();
    Long since = (present & HAS_SINCE) == 0 ? null : in.getLong();
    String reason = (present & HAS_REASON) == 0 ? null : text(in, in.remaining());
    return new ReceiptStore.TenantHead(tenantId, seq, hashText, state, reason, since);
  }

  private static String text(ByteBuffer in, int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
