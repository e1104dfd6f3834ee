package tai.autonomics.ledger;

/**
 * The compact binary form a receipt is stored in (format 1). Every field of the JSON form is kept, so the canonical
 * JSON and the hash are derived from it exactly; {@code seq} is not stored because the key holds it.
 *
 * <p>Layout: format byte, varint presence bits, type code, tenant, timestamp, then each present field in a fixed
 * order. Strings carry a kind: decimal digits become a varint, lowercase hex (ids, hashes) becomes its bytes,
 * anything else is UTF-8. Decoding is strict: it accepts only the exact bytes the encoder writes for the decoded
 * receipt, so any changed stored byte either fails to decode or changes the receipt (and so its hash).
 */
final class ReceiptCodec {
  static final byte FORMAT = 1;
  /** Codes of the stored type byte: fixed here, so reordering the enum cannot change stored receipts. */
  private static final ReceiptType[] TYPES = {ReceiptType.TRANSITION, ReceiptType.REFUSAL, ReceiptType.ENTITLEMENT,
      ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_RESULT};

  private static final int ID = 1;
  private static final int STATE_FROM = 1 << 1;
  private static final int STATE_TO = 1 << 2;
  private static final int REASON = 1 << 3;
  private static final int ACTION_ID = 1 << 4;
  private static final int ACTION_TYPE = 1 << 5;
  private static final int ATTEMPTS = 1 << 6;
  private static final int MESSAGE_ID = 1 << 7;
  private static final int ENTITLEMENT_ID = 1 << 8;
  private static final int SKU = 1 << 9;
  private static final int SIGNAL = 1 << 10;
  private static final int METRIC = 1 << 11;
  private static final int VALUE = 1 << 12;
  private static final int VALUE_INTEGRAL = 1 << 13;
  private static final int SIGNAL_TIMESTAMP = 1 << 14;
  private static final int POLICY = 1 << 15;
  private static final int PREV_HASH = 1 << 16;
  private static final int HASH = 1 << 17;
  // added after format 1 was in use: receipts written before never set them, so they decode as they always did
  private static final int CUSTOMER_ID = 1 << 18;
  private static final int PENDING_SKU = 1 << 19;
  private static final int ALL = (1 << 20) - 1;

  private ReceiptCodec() {}

  static byte[] encode(Receipt r) {
    Receipt.SignalRecord s = r.signal();
    boolean integral = s != null && s.value() != null && CodecBytes.isIntegral(s.value());
    int flags = bit(r.id(), ID) | bit(r.stateFrom(), STATE_FROM) | bit(r.stateTo(), STATE_TO)
        | bit(r.reason(), REASON) | bit(r.actionId(), ACTION_ID) | bit(r.actionType(), ACTION_TYPE)
        | bit(r.attempts(), ATTEMPTS) | bit(r.messageId(), MESSAGE_ID) | bit(r.entitlementId(), ENTITLEMENT_ID)
        | bit(r.sku(), SKU) | bit(s, SIGNAL) | bit(r.policy(), POLICY) | bit(r.prevHash(), PREV_HASH)
        | bit(r.hash(), HASH) | bit(r.customerId(), CUSTOMER_ID) | bit(r.pendingSku(), PENDING_SKU);
    if (s != null) {
      flags |= bit(s.metric(), METRIC) | bit(s.value(), VALUE) | bit(s.timestampMs(), SIGNAL_TIMESTAMP)
          | (integral ? VALUE_INTEGRAL : 0);
    }
    CodecBytes.Writer w = new CodecBytes.Writer();
    w.put(FORMAT);
    w.varLong(flags);
    w.put((byte) typeCode(r.type()));
    w.string(r.tenantId());
    w.varLong(CodecBytes.zigzag(exact(r.timestamp())));
    w.stringIf(r.id());
    w.stringIf(r.stateFrom());
    w.stringIf(r.stateTo());
    w.stringIf(r.reason());
    w.stringIf(r.actionId());
    w.stringIf(r.actionType());
    if (r.attempts() != null) {
      w.varLong(CodecBytes.zigzag(r.attempts()));
    }
    w.stringIf(r.messageId());
    w.stringIf(r.entitlementId());
    w.stringIf(r.sku());
    if (s != null) {
      w.stringIf(s.metric());
      if (s.value() != null) {
        if (integral) {
          w.varLong(CodecBytes.zigzag((long) s.value().doubleValue()));
        } else {
          w.fixedLong(Double.doubleToLongBits(s.value()));
        }
      }
      if (s.timestampMs() != null) {
        w.varLong(CodecBytes.zigzag(exact(s.timestampMs())));
      }
    }
    w.stringIf(r.policy());
    w.stringIf(r.prevHash());
    w.stringIf(r.hash());
    w.stringIf(r.customerId());
    w.stringIf(r.pendingSku());
    return w.toBytes();
  }

  /** Decodes a stored value; {@code seq} comes from its key. Throws IllegalArgumentException on any bad byte. */
  static Receipt decode(long seq, byte[] bytes) {
    CodecBytes.Reader in = new CodecBytes.Reader(bytes);
    if (in.get() != FORMAT) {
      throw new IllegalArgumentException("unknown receipt format " + bytes[0]);
    }
    long flagsLong = in.varLong();
    if ((flagsLong & ~ALL) != 0) {
      throw new IllegalArgumentException("unknown presence bits " + Long.toHexString(flagsLong));
    }
    int flags = (int) flagsLong;
    if ((flags & SIGNAL) == 0 && (flags & (METRIC | VALUE | VALUE_INTEGRAL | SIGNAL_TIMESTAMP)) != 0
        || (flags & VALUE_INTEGRAL) != 0 && (flags & VALUE) == 0) {
      throw new IllegalArgumentException("inconsistent presence bits " + Integer.toHexString(flags));
    }
    int code = in.get();
    if (code < 0 || code >= TYPES.length) {
      throw new IllegalArgumentException("unknown receipt type code " + code);
    }
    String tenant = in.string();
    long timestamp = exact(CodecBytes.unzigzag(in.varLong()));
    String id = in.stringIf(flags, ID);
    String stateFrom = in.stringIf(flags, STATE_FROM);
    String stateTo = in.stringIf(flags, STATE_TO);
    String reason = in.stringIf(flags, REASON);
    String actionId = in.stringIf(flags, ACTION_ID);
    String actionType = in.stringIf(flags, ACTION_TYPE);
    Integer attempts = null;
    if ((flags & ATTEMPTS) != 0) {
      long value = CodecBytes.unzigzag(in.varLong());
      if (value != (int) value) {
        throw new IllegalArgumentException("attempts out of range");
      }
      attempts = (int) value;
    }
    String messageId = in.stringIf(flags, MESSAGE_ID);
    String entitlementId = in.stringIf(flags, ENTITLEMENT_ID);
    String sku = in.stringIf(flags, SKU);
    Receipt.SignalRecord signal = null;
    if ((flags & SIGNAL) != 0) {
      String metric = in.stringIf(flags, METRIC);
      Double value = (flags & VALUE) == 0 ? null : in.doubleValue((flags & VALUE_INTEGRAL) != 0);
      Long at = (flags & SIGNAL_TIMESTAMP) == 0 ? null : exact(CodecBytes.unzigzag(in.varLong()));
      signal = new Receipt.SignalRecord(metric, value, at);
    }
    String policy = in.stringIf(flags, POLICY);
    String prevHash = in.stringIf(flags, PREV_HASH);
    String hash = in.stringIf(flags, HASH);
    String customerId = in.stringIf(flags, CUSTOMER_ID);
    String pendingSku = in.stringIf(flags, PENDING_SKU);
    in.expectEnd();
    return new Receipt(id, seq, TYPES[code], tenant, stateFrom, stateTo, reason, actionId, actionType, attempts,
        messageId, entitlementId, sku, customerId, pendingSku, signal, policy, timestamp, prevHash, hash);
  }

  /**
   * JCS writes numbers as doubles, so integers beyond 2^53 lose digits in the hashed form and a change to them
   * could go unseen: they are neither stored nor read back (the Ledger refuses such drafts first).
   */
  private static long exact(long value) {
    if (!ReceiptHasher.isExactInJson(value)) {
      throw new IllegalArgumentException("integer " + value + " is beyond 2^53 and has no exact JSON form");
    }
    return value;
  }

  private static int typeCode(ReceiptType type) {
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i] == type) {
        return i;
      }
    }
    throw new IllegalArgumentException("receipt type without a stored code: " + type);
  }

  private static int bit(Object value, int bit) {
    return value == null ? 0 : bit;
  }

}
