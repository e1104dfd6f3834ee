package tai.autonomics.ledger;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import tai.autonomics.CborSerializable;

/**
 * One entry of the tamper-evident ledger (docs/RECEIPTS.md). A receipt is created as a draft by whoever decides
 * something (governor, entitlements, executor) with {@code id}, {@code seq}, {@code prev_hash} and {@code hash} unset;
 * the Ledger actor, the single writer, fills them in {@link #sealed}. Fields that do not apply are null and absent
 * from the JSON, and so absent from the canonical form that is hashed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public record Receipt(
    @JsonProperty("id") String id,
    @JsonProperty("seq") Long seq,
    @JsonProperty("type") ReceiptType type,
    @JsonProperty("tenant_id") String tenantId,
    @JsonProperty("state_from") String stateFrom,
    @JsonProperty("state_to") String stateTo,
    @JsonProperty("reason") String reason,
    @JsonProperty("action_id") String actionId,
    @JsonProperty("action_type") String actionType,
    @JsonProperty("attempts") Integer attempts,
    @JsonProperty("message_id") String messageId,
    @JsonProperty("provider_id") String providerId,
    @JsonProperty("entitlement_id") String entitlementId,
    @JsonProperty("sku") String sku,
    @JsonProperty("customer_id") String customerId,
    @JsonProperty("pending_sku") String pendingSku,
    @JsonProperty("signal") SignalRecord signal,
    @JsonProperty("policy") String policy,
    @JsonProperty("delivery") DeliveryRecord delivery,
    @JsonProperty("dead_letter") DeadLetterRecord deadLetter,
    @JsonProperty("timestamp") long timestamp,
    @JsonProperty("prev_hash") String prevHash,
    @JsonProperty("hash") String hash,
    @JsonProperty("inputs") SortedMap<String, String> inputs)
    implements CborSerializable {

  public static final String GENESIS_HASH = "0".repeat(64);

  /** The class of the read-only copy the constructor makes of {@code inputs}. */
  private static final Class<?> FROZEN_INPUTS = Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();

  public Receipt {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenantId, "tenant_id");
    // a copy (sealing makes three) keeps frozen inputs: re-copying was 1.3 of 8 KB allocated per signal (alloc profile)
    if (inputs == null || inputs.isEmpty()) {
      inputs = null;
    } else if (inputs.getClass() != FROZEN_INPUTS) {
      inputs = Collections.unmodifiableSortedMap(new TreeMap<>(inputs));
    }
  }

  /** The signal a decision was made on, as it is kept in the receipt (value may be null for invalid signals). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public record SignalRecord(
      @JsonProperty("metric") String metric,
      @JsonProperty("value") Double value,
      @JsonProperty("timestamp_ms") Long timestampMs)
      implements CborSerializable {}

  /** How Pub/Sub delivered the message a receipt answers, as far as the push said (absent in older receipts). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public record DeliveryRecord(
      @JsonProperty("subscription") String subscription,
      @JsonProperty("delivery_attempt") Integer deliveryAttempt,
      @JsonProperty("publish_time") String publishTime,
      @JsonProperty("ordering_key") String orderingKey)
      implements CborSerializable {}

  /** A {@code dead_letter}'s push: why, its message id, its body's first bytes (base64), length and SHA-256. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public record DeadLetterRecord(
      @JsonProperty("detail") String detail,
      @JsonProperty("message_id") String messageId,
      @JsonProperty("body_base64") String bodyBase64,
      @JsonProperty("body_bytes") Long bodyBytes,
      @JsonProperty("body_sha256") String bodySha256)
      implements CborSerializable {}

  public static Builder draft(ReceiptType type, String tenantId) {
    return new Builder(type, tenantId);
  }

  /**
   * This receipt as one RFC 8785 (JCS) canonical JSON object, hash included: how the HTTP API answers with it. The
   * same fields as the Jackson form, so clients read it alike; a verifier recomputes the hash from it by dropping
   * {@code "hash"} (docs/RECEIPTS.md).
   */
  public String toCanonicalJson() {
    return ReceiptHasher.canonicalJsonWithHash(this);
  }

  /**
   * True once the Ledger has given the receipt its place in the chain. Not a field: without {@code @JsonIgnore}
   * Jackson would write it as {@code "sealed"} into the JSON, and so into the hashed form.
   */
  @JsonIgnore
  public boolean isSealed() {
    return hash != null;
  }

  /** The receipt with its chain fields set; the hash must be computed over the result with {@code hash == null}. */
  public Receipt sealed(String newId, Long newSeq, String newPrevHash, String newHash) {
    return new Receipt(newId, newSeq, type, tenantId, stateFrom, stateTo, reason, actionId, actionType, attempts,
        messageId, providerId, entitlementId, sku, customerId, pendingSku, signal, policy, delivery, deadLetter,
        timestamp, newPrevHash, newHash, inputs);
  }

  /** Collects a draft's fields; unset fields stay absent. */
  public static final class Builder {
    private final ReceiptType type;
    private final String tenantId;
    private String stateFrom;
    private String stateTo;
    private String reason;
    private String actionId;
    private String actionType;
    private Integer attempts;
    private String messageId;
    private String providerId;
    private String entitlementId;
    private String sku;
    private String customerId;
    private String pendingSku;
    private SignalRecord signal;
    private String policy;
    private DeliveryRecord delivery;
    private DeadLetterRecord deadLetter;
    private long timestamp = System.currentTimeMillis();
    private SortedMap<String, String> inputs;

    private Builder(ReceiptType type, String tenantId) {
      this.type = type;
      this.tenantId = tenantId;
    }

    public Builder states(String from, String to) {
      this.stateFrom = from;
      this.stateTo = to;
      return this;
    }

    public Builder reason(String value) {
      this.reason = value;
      return this;
    }

    public Builder action(String id, String actionTypeName) {
      this.actionId = id;
      this.actionType = actionTypeName;
      return this;
    }

    public Builder attempts(int value) {
      this.attempts = value;
      return this;
    }

    public Builder messageId(String value) {
      this.messageId = value;
      return this;
    }

    /** The Marketplace provider a Procurement eventId is unique within (see {@link MessageKey}). */
    public Builder providerId(String value) {
      this.providerId = value;
      return this;
    }

    public Builder entitlement(String id, String skuName) {
      this.entitlementId = id;
      this.sku = skuName;
      return this;
    }

    /**
     * The rest of the entitlement an {@code entitlement} receipt leaves behind: the Marketplace customer (account)
     * and the plan a requested change would switch to. With them the latest receipt restores the whole entitlement.
     */
    public Builder entitlementDetails(String customer, String pendingSkuName) {
      this.customerId = customer;
      this.pendingSku = pendingSkuName;
      return this;
    }

    public Builder signal(String metric, Double value, Long timestampMs) {
      this.signal = new SignalRecord(metric, value, timestampMs);
      return this;
    }

    public Builder policy(String value) {
      this.policy = value;
      return this;
    }

    /**
     * What a governor knows after the receipt (per-metric streaks and timestamps, cooldown end, recent actions,
     * pause, operator): the next decision's inputs, restored at boot. Absent elsewhere, so other receipts hash as
     * before the field existed.
     */
    public Builder inputs(Map<String, String> values) {
      this.inputs = values == null ? null : new TreeMap<>(values);
      return this;
    }

    /** Null leaves the receipt without delivery metadata. */
    public Builder delivery(DeliveryRecord value) {
      this.delivery = value;
      return this;
    }

    public Builder deadLetter(DeadLetterRecord value) {
      this.deadLetter = value;
      return this;
    }

    public Builder timestamp(long epochMillis) {
      this.timestamp = epochMillis;
      return this;
    }

    public Receipt build() {
      return new Receipt(null, null, type, tenantId, stateFrom, stateTo, reason, actionId, actionType, attempts,
          messageId, providerId, entitlementId, sku, customerId, pendingSku, signal, policy, delivery, deadLetter,
          timestamp, null, null, inputs);
    }
  }
}
