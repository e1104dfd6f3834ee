package tai.autonomics.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key and small-value encodings of the RocksDB store. Seqs are 8 bytes big-endian so byte order is seq order; a
 * receipt key is the tenant prefix (the tenant's UTF-8 length in 2 bytes, then its bytes) followed by the seq, so one
 * tenant's receipts are contiguous and in chain order.
 */
final class Keys {
  /** Marks the governor entry of a tenant head. */
  private static final byte GOVERNOR = 2;
  private static final int HAS_REASON = 1;
  private static final int HAS_SINCE = 2;

  private Keys() {}

  static byte[] seq(long seq) {
    return ByteBuffer.allocate(8).putLong(seq).array();
  }

  static long seqOf(byte[] key) {
    return ByteBuffer.wrap(key).getLong();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] tenantPrefix(String tenantId) {
    byte[] tenant = utf8(tenantId);
    if (tenant.length > 0xFFFF) {
      throw new IllegalArgumentException("tenant id longer than 65535 bytes");
    }
    return ByteBuffer.allocate(2 + tenant.length).putShort((short) tenant.length).put(tenant).array();
  }

  /** The receipt key: a tenant prefix ({@link #tenantPrefix}) followed by the seq. */
  static byte[] tenantSeq(byte[] prefix, long seq) {
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seq).array();
  }

  /** The seq at the end of a receipt key. */
  static long seqOfTenantKey(byte[] key) {
    if (key.length < 10) {
      throw new IllegalArgumentException("receipt key too short");
    }
    return ByteBuffer.wrap(key).getLong(key.length - 8);
  }

  /** A messageId index key: the tenant prefix, the scope's length (4 bytes) and bytes, then the id. */
  static byte[] message(MessageKey key) {
    byte[] scope = utf8(key.scope());
    return concat(tenantPrefix(key.tenantId()), ByteBuffer.allocate(4).putInt(scope.length).array(), scope, utf8(key.messageId()));
  }

  /** A latest-entitlement key: the tenant prefix, then the entitlement id (none for an account's event). */
  static byte[] entitlement(Receipt receipt) {
    String id = receipt.entitlementId() == null ? "" : receipt.entitlementId();
    return concat(tenantPrefix(receipt.tenantId()), utf8(id));
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(part -> part.length).sum());
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * A tenant head: seq, the hash as UTF-8 with its length, then, if the tenant has a governor state, marker 2, the
   * state with its length, a byte saying which of reason and since follow, since (8 bytes) and the reason to the end.
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
      out.put(GOVERNOR).putShort((short) state.length).put(state);
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
    String hash = text(in, Short.toUnsignedInt(in.getShort()));
    if (!in.hasRemaining()) {
      return new ReceiptStore.TenantHead(tenantId, seq, hash, null);
    }
    if (in.get() != GOVERNOR) {
      throw new IllegalArgumentException("unknown tenant head format");
    }
    String state = text(in, Short.toUnsignedInt(in.getShort()));
    int present = in.get();
    Long since = (present & HAS_SINCE) == 0 ? null : in.getLong();
    String reason = (present & HAS_REASON) == 0 ? null : text(in, in.remaining());
    return new ReceiptStore.TenantHead(tenantId, seq, hash, state, reason, since);
  }

  private static String text(ByteBuffer in, int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
