package tai.autonomics.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Receipt;

/**
 * A usage or health measurement for one tenant, as decoded from a Pub/Sub message. {@code value} is null when the
 * message carried no usable number: such a signal is refused as {@code invalid_signal}, not dropped.
 *
 * @param messageId the Pub/Sub messageId, used to answer a redelivery with the original receipt; may be null
 * @param delivery how Pub/Sub delivered it (subscription, attempt, publish time, ordering key), kept in the
 *     receipt; null when the signal did not come from a push that said (the ledger's record type, not a copy of it)
 */
public record Signal(
    @JsonProperty("tenant_id") String tenantId,
    @JsonProperty("metric") String metric,
    @JsonProperty("value") Double value,
    @JsonProperty("timestamp_ms") Long timestampMs,
    @JsonProperty("message_id") String messageId,
    @JsonProperty("delivery") Receipt.DeliveryRecord delivery)
    implements CborSerializable {

  /** The one constructor Jackson uses (the record has two). */
  @JsonCreator
  public Signal {}

  public Signal(String tenantId, String metric, Double value, Long timestampMs, String messageId) {
    this(tenantId, metric, value, timestampMs, messageId, null);
  }

  public static Signal of(String tenantId, String metric, double value) {
    return new Signal(tenantId, metric, value, null, null);
  }

  /** Why this signal cannot be evaluated, or null when it can. */
  public String invalidity() {
    if (tenantId == null || tenantId.isBlank()) {
      return "tenant_id is missing or empty";
    }
    if (metric == null || metric.isBlank()) {
      return "metric is missing or empty";
    }
    if (value == null) {
      return "value is missing or not a number";
    }
    if (value.isNaN() || value.isInfinite()) {
      return "value is not finite";
    }
    return null;
  }
}
