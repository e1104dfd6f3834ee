package tai.autonomics.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key encodings of the RocksDB store. Seqs are 8 bytes big-endian so byte order is seq order; a
 * receipt key is the tenant prefix (the tenant's UTF-8 length in 2 bytes, then its bytes) followed by the seq, so one
 * tenant's receipts are contiguous and in chain order.
 */
final class Keys {
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
    return concat(tenantPrefix(key.tenantId()), ByteBuffer.allocate(4).putInt(scope.length).array(), scope,
        utf8(key.messageId()));
  }

  /**
   * A latest-entitlement key: the tenant prefix, then the entitlement id; for a receipt without one, nothing (an
   * account's event) or a 0 byte and its action id (a sign-up's job: a slot of its own,
   * {@link ReceiptStore#latestEntitlements}). No entitlement id starts with that byte: the decoders refuse U+0000.
   */
  static byte[] entitlement(Receipt receipt) {
    if (receipt.entitlementId() == null && receipt.actionId() != null) {
      return concat(tenantPrefix(receipt.tenantId()), new byte[] {0}, utf8(receipt.actionId()));
    }
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
}
