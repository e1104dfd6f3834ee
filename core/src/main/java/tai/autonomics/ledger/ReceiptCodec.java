package tai.autonomics.ledger;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * The form a receipt is stored in: its JSON fields in CBOR (RFC 8949), written and read by Jackson with the same
 * annotations as the JSON the routes serve, as arrays in property order (Jackson's {@code Shape.ARRAY}): without the
 * field names RocksDB flushes and compacts fewer bytes (LedgerBenchmark {@code 8 durable} measures what that saves).
 * The hash is checked by re-hashing the decoded receipt, so the stored bytes need no integrity of their own; the
 * decoder only refuses what is not a whole receipt.
 */
final class ReceiptCodec {
  private static final ObjectMapper CBOR = CBORMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addMixIn(Receipt.class, WithoutSeq.class)
      .addMixIn(Receipt.SignalRecord.class, AsArray.class)
      .addMixIn(Receipt.DeliveryRecord.class, AsArray.class)
      .addMixIn(Receipt.DeadLetterRecord.class, AsArray.class)
      .build();

  // bound once to their types: a bare writeValueAsBytes looks its serializer up on every call
  private static final ObjectWriter RECEIPT_WRITER = CBOR.writerFor(Receipt.class);
  private static final ObjectReader RECEIPT_READER = CBOR.readerFor(Receipt.class);
  private static final ObjectWriter HEAD_WRITER = CBOR.writerFor(ReceiptStore.TenantHead.class);
  private static final ObjectReader HEAD_READER = CBOR.readerFor(ReceiptStore.TenantHead.class);

  /**
   * The key holds the seq, so the value does not: a value moved to another key fails its hash check there. A stored
   * array is read by position, and one shorter than the list is read with the missing fields absent: so a new field
   * goes at the end (a field left out of the list is placed after it), and receipts stored before it still read.
   */
  @JsonIgnoreProperties("seq")
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"id", "type", "tenant_id", "state_from", "state_to", "reason", "action_id", "action_type",
      "attempts", "message_id", "provider_id", "entitlement_id", "sku", "customer_id", "pending_sku", "signal",
      "policy", "delivery", "dead_letter", "timestamp", "prev_hash", "hash", "inputs"})
  private interface WithoutSeq {}

  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  private interface AsArray {}

  private ReceiptCodec() {}

  static byte[] encode(Receipt receipt) {
    try {
      return RECEIPT_WRITER.writeValueAsBytes(receipt);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("receipt cannot be encoded: " + e.getOriginalMessage(), e);
    }
  }

  /** Decodes a stored value; {@code seq} comes from its key. Throws IllegalArgumentException on a bad value. */
  static Receipt decode(long seq, byte[] bytes) {
    Receipt receipt;
    try {
      receipt = RECEIPT_READER.readValue(bytes);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("receipt value is malformed: " + e.getMessage());
    }
    if (receipt == null) {
      throw new IllegalArgumentException("receipt value is empty");
    }
    return receipt.sealed(receipt.id(), seq, receipt.prevHash(), receipt.hash());
  }

  /** A tenant head, stored under its tenant's key. */
  static byte[] encodeHead(ReceiptStore.TenantHead head) {
    try {
      return HEAD_WRITER.writeValueAsBytes(head);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("tenant head cannot be encoded: " + e.getOriginalMessage(), e);
    }
  }

  static ReceiptStore.TenantHead decodeHead(String tenantId, byte[] bytes) {
    ReceiptStore.TenantHead head;
    try {
      head = HEAD_READER.readValue(bytes);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("tenant head of " + tenantId + " is malformed: " + e.getMessage());
    }
    if (head == null || !tenantId.equals(head.tenantId())) {
      throw new IllegalArgumentException("the head stored for " + tenantId + " is not its head");
    }
    return head;
  }
}
