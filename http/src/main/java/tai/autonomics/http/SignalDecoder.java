package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import tai.autonomics.policy.Signal;

/**
 * Turns a push envelope's data into a {@link Signal}. A message that names no tenant or no metric cannot be
 * decided for anyone and is malformed ({@code 400 invalid_signal}); a signal whose value is missing, not a number
 * or not finite is passed on with a null or non-finite value, so the tenant's governor writes an
 * {@code invalid_signal} refusal receipt (200: Pub/Sub must not redeliver it).
 */
public final class SignalDecoder {
  /** Tenant ids and metric names become actor names and receipt fields: keep them short. */
  static final int MAX_NAME = 256;

  private SignalDecoder() {}

  public static Signal decode(PushEnvelope envelope) {
    JsonNode data = envelope.dataJson();
    if (!data.isObject()) {
      throw ClientError.badRequest("invalid_signal", "message.data is not a JSON object");
    }
    String fromData = name(data, "tenant_id");
    String fromAttributes = envelope.attributes().get("tenant_id");
    if (fromAttributes != null && fromAttributes.isBlank()) {
      fromAttributes = null;
    }
    refuseNul("tenant_id", fromAttributes);
    if (fromData != null && fromAttributes != null && !fromData.equals(fromAttributes)) {
      throw ClientError.badRequest("invalid_signal", "tenant_id in the data and in the attributes differ");
    }
    String tenantId = fromData != null ? fromData : fromAttributes;
    if (tenantId == null) {
      throw ClientError.badRequest("invalid_signal", "the signal names no tenant_id (data or attributes)");
    }
    checkLength("tenant_id", tenantId);
    String metric = name(data, "metric");
    if (metric == null) {
      throw ClientError.badRequest("invalid_signal", "the signal names no metric");
    }
    checkLength("metric", metric);
    JsonNode value = data.get("value");
    Double number = value != null && value.isNumber() ? value.doubleValue() : null;
    JsonNode timestamp = data.get("timestamp_ms");
    Long timestampMs = timestamp != null && timestamp.isIntegralNumber() && timestamp.canConvertToLong()
        ? Long.valueOf(timestamp.longValue()) : publishedMs(envelope.publishTime());
    return new Signal(tenantId, metric, number, timestampMs, envelope.messageId(), envelope.delivery());
  }

  /**
   * The tenant a push that did not decode names beyond doubt (its attributes, else its data), or null: what a
   * permanent failure is then receipted under (docs/API.md, ack policy). Never throws.
   */
  public static String knownTenant(PushEnvelope envelope) {
    String attribute = envelope.attributes().get("tenant_id");
    String fromAttributes = valid(attribute);
    String fromData = null;
    if (envelope.data() != null) {
      try {
        JsonNode data = envelope.dataJson();
        fromData = data.path("tenant_id").isTextual() ? valid(data.get("tenant_id").textValue()) : null;
      } catch (ClientError undecodable) {
        fromData = null;
      }
    }
    if (fromAttributes != null && fromData != null && !fromAttributes.equals(fromData)
        || holdsNul(attribute) && fromData != null) {
      // two tenants named, or the attribute names one that cannot be (U+0000): no tenant for certain
      return null;
    }
    return fromAttributes != null ? fromAttributes : fromData;
  }

  /**
   * Issue 15: a signal without timestamp_ms is dated by its Pub/Sub publishTime (RFC 3339, PubsubMessage in
   * https://cloud.google.com/pubsub/docs/reference/rest/v1/PubsubMessage), so a redelivered old message is still
   * refused stale_signal. The date goes into the receipt's timestamp_ms, so a replay decides it the same way.
   * A missing or unparseable publishTime leaves the signal undated (decided at the governor's now).
   */
  static Long publishedMs(String publishTime) {
    if (publishTime == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(publishTime).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException notRfc3339) {
      return null;
    }
  }

  private static String valid(String tenantId) {
    return isName(tenantId) ? tenantId : null;
  }

  /**
   * Whether {@code name} could be a tenant id: not blank, at most {@link #MAX_NAME} characters, no U+0000. A NUL is
   * refused at decode time because PostgreSQL cannot store it: its {@code text} columns (tenant ids, message ids and
   * their scopes) refuse the byte, so every write of it would fail (503, and Pub/Sub would redeliver it for days).
   */
  static boolean isName(String name) {
    return name != null && !name.isBlank() && name.length() <= MAX_NAME && !holdsNul(name);
  }

  static boolean holdsNul(String value) {
    return value != null && value.indexOf('\0') >= 0;
  }

  private static void refuseNul(String field, String value) {
    if (holdsNul(value)) {
      throw ClientError.badRequest("invalid_signal", field + " contains U+0000");
    }
  }

  private static String name(JsonNode data, String field) {
    JsonNode node = data.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ClientError.badRequest("invalid_signal", field + " is not a string");
    }
    String text = node.textValue();
    refuseNul(field, text);
    return text.isBlank() ? null : text;
  }

  private static void checkLength(String field, String value) {
    if (value.length() > MAX_NAME) {
      throw ClientError.badRequest("invalid_signal", field + " is longer than " + MAX_NAME + " characters");
    }
  }
}
