package tai.autonomics.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;

/**
 * A Google Cloud Pub/Sub push, wrapped or unwrapped, as one decoded message. Wrapped, as Pub/Sub sends it by default:
 * {@code {"message": {"data": base64, "attributes": {...}, "messageId"/"message_id", "publishTime"/"publish_time",
 * "orderingKey"}, "subscription": ..., "deliveryAttempt": n}} (both spellings Pub/Sub documents are read). Unwrapped
 * (payload unwrapping, see {@link PushHeaders}): the body is the data, the metadata comes in headers. Decoding never
 * throws anything but a {@link ClientError} with a stable reason.
 *
 * @param messageId null when the push carries none (then nothing is de-duplicated)
 * @param deliveryAttempt null unless the subscription has a dead-letter policy
 * @param orderingKey null unless the message was published with one
 */
public record PushEnvelope(String messageId, String publishTime, Map<String, String> attributes, byte[] data,
    String subscription, Integer deliveryAttempt, String orderingKey) {

  /** Message ids are index keys in the ledger: Pub/Sub's are short numeric strings. */
  static final int MAX_ID = 256;
  /** Delivery metadata goes into receipts: Pub/Sub's own limits, with room (names <= 255, ordering keys 1 KB). */
  static final int MAX_SUBSCRIPTION = 512;
  static final int MAX_TIME = 64;
  static final int MAX_ORDERING_KEY = 1024;

  private static final ObjectReader READER = Json.MAPPER.reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Parses a request body as a JSON object, or fails with {@code invalid_json}. */
  public static JsonNode parseObject(byte[] body, String what) {
    JsonNode node;
    try {
      node = READER.readTree(body);
    } catch (IOException e) {
      throw ClientError.badRequest("invalid_json", what + " is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw ClientError.badRequest("invalid_json", what + " is not a JSON object");
    }
    return node;
  }

  /** True when a JSON object looks like a push envelope (has a {@code message} field). */
  public static boolean isEnvelope(JsonNode body) {
    return body.has("message");
  }

  public static PushEnvelope decode(JsonNode body) {
    JsonNode message = body.get("message");
    if (message == null || !message.isObject()) {
      throw ClientError.badRequest("invalid_envelope", "the push envelope has no \"message\" object");
    }
    JsonNode data = message.get("data");
    if (data == null || data.isNull()) {
      throw ClientError.badRequest("missing_data", "message.data is missing");
    }
    if (!data.isTextual()) {
      throw ClientError.badRequest("decode_failed", "message.data is not a base64 string");
    }
    String messageId = bounded(text(message, "messageId", "message_id"), "message.messageId", MAX_ID);
    return new PushEnvelope(
        messageId,
        bounded(text(message, "publishTime", "publish_time"), "message.publishTime", MAX_TIME),
        attributes(message.get("attributes")),
        base64(data.textValue()),
        bounded(text(body, "subscription", "subscription"), "subscription", MAX_SUBSCRIPTION),
        deliveryAttempt(body),
        bounded(text(message, "orderingKey", "ordering_key"), "message.orderingKey", MAX_ORDERING_KEY));
  }

  /**
   * What can be read of a push that did not decode, for its dead-letter record: each field only when it is well
   * formed, the data only when it is valid base64. Never throws.
   */
  public static PushEnvelope salvage(byte[] body) {
    JsonNode node;
    try {
      node = READER.readTree(body);
    } catch (IOException | RuntimeException e) {
      return new PushEnvelope(null, null, Map.of(), null, null, null, null);
    }
    JsonNode message = node == null ? null : node.path("message");
    if (message == null || !message.isObject()) {
      boolean object = node != null && node.isObject();
      return new PushEnvelope(null, null, Map.of(), null,
          object ? upTo(text(node, "subscription", "subscription"), MAX_SUBSCRIPTION) : null,
          object ? deliveryAttempt(node) : null, null);
    }
    Map<String, String> attributes;
    try {
      attributes = attributes(message.get("attributes"));
    } catch (ClientError e) {
      attributes = Map.of();
    }
    byte[] data;
    try {
      data = message.path("data").isTextual() ? base64(message.get("data").textValue()) : null;
    } catch (ClientError e) {
      data = null;
    }
    return new PushEnvelope(upTo(text(message, "messageId", "message_id"), MAX_ID),
        upTo(text(message, "publishTime", "publish_time"), MAX_TIME), attributes, data,
        upTo(text(node, "subscription", "subscription"), MAX_SUBSCRIPTION), deliveryAttempt(node),
        upTo(text(message, "orderingKey", "ordering_key"), MAX_ORDERING_KEY));
  }

  /** {@code value} as {@link #bounded} takes it, or null where {@link #bounded} would refuse it. */
  static String upTo(String value, int max) {
    return value != null && value.length() <= max && value.indexOf('\0') < 0 ? wellFormed(value) : null;
  }

  /** How Pub/Sub delivered it, as the receipt keeps it (null fields are absent). */
  public Receipt.DeliveryRecord delivery() {
    if (subscription == null && deliveryAttempt == null && publishTime == null && orderingKey == null) {
      return null;
    }
    return new Receipt.DeliveryRecord(subscription, deliveryAttempt, publishTime, orderingKey);
  }

  private static Integer deliveryAttempt(JsonNode body) {
    JsonNode attempt = body.path("deliveryAttempt");
    return attempt.isIntegralNumber() && attempt.canConvertToInt() ? attempt.intValue() : null;
  }

  /** The decoded data as a JSON value; fails with {@code invalid_json}. */
  public JsonNode dataJson() {
    try {
      JsonNode node = READER.readTree(data);
      if (node == null || node.isMissingNode()) {
        throw ClientError.badRequest("invalid_json", "message.data decodes to an empty document");
      }
      return node;
    } catch (IOException e) {
      throw ClientError.badRequest("invalid_json", "message.data does not decode to JSON: "
          + firstLine(e.getMessage()));
    }
  }

  static byte[] base64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException standard) {
      try {
        // some publishers use the URL-safe alphabet; accept it rather than refuse a well-meant message
        return Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException urlSafe) {
        throw ClientError.badRequest("decode_failed", "message.data is not valid base64: " + standard.getMessage());
      }
    }
  }

  private static Map<String, String> attributes(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw ClientError.badRequest("invalid_envelope", "message.attributes is not an object");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> {
      if (field.getValue().isValueNode() && !field.getValue().isNull()) {
        attributes.put(field.getKey(), field.getValue().asText());
      }
    });
    return Map.copyOf(attributes);
  }

  private static String text(JsonNode node, String camel, String snake) {
    JsonNode value = node.get(camel);
    if (value == null || value.isNull()) {
      value = node.get(snake);
    }
    if (value == null || value.isNull() || !value.isValueNode()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }

  /**
   * {@code value} made {@link #wellFormed}, or a refusal when it is longer than {@code max} or holds U+0000:
   * metadata go into receipts, which must hash the same once stored as UTF-8, and message ids and subscriptions are
   * index keys, which PostgreSQL's text cannot hold with a NUL (every write of it would fail, and Pub/Sub redeliver).
   */
  static String bounded(String value, String field, int max) {
    if (value != null && value.length() > max) {
      throw ClientError.badRequest("invalid_envelope", field + " is longer than " + max + " characters");
    }
    if (value != null && value.indexOf('\0') >= 0) {
      throw ClientError.badRequest("invalid_envelope", field + " contains U+0000");
    }
    return wellFormed(value);
  }

  /** {@code value} with each unpaired UTF-16 surrogate (which UTF-8 cannot carry) replaced by U+FFFD. */
  static String wellFormed(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(value.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(value.length()).append(value, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? value : out.toString();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
