package tai.autonomics.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tai.autonomics.Json;

/**
 * A Google Cloud Pub/Sub push request, as Pub/Sub sends it: {@code {"message": {"data": base64, "attributes": {...},
 * "messageId"/"message_id", "publishTime"/"publish_time"}, "subscription": ..., "deliveryAttempt": n}}. Both the
 * camelCase and the snake_case spellings Pub/Sub documents are read. Decoding never throws anything but a
 * {@link ClientError} with a stable reason.
 *
 * @param messageId null when the push carries none (then nothing is de-duplicated)
 * @param deliveryAttempt null unless the subscription has a dead-letter policy
 */
public record PushEnvelope(String messageId, String publishTime, Map<String, String> attributes, byte[] data,
    String subscription, Integer deliveryAttempt) {

  /** Message ids are index keys in the ledger: Pub/Sub's are short numeric strings. */
  static final int MAX_ID = 256;

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
    String messageId = text(message, "messageId", "message_id");
    if (messageId != null && messageId.length() > MAX_ID) {
      throw ClientError.badRequest("invalid_envelope", "message.messageId is longer than " + MAX_ID + " characters");
    }
    return new PushEnvelope(
        messageId,
        text(message, "publishTime", "publish_time"),
        attributes(message.get("attributes")),
        base64(data.textValue()),
        text(body, "subscription", "subscription"),
        body.path("deliveryAttempt").canConvertToInt() && body.path("deliveryAttempt").isIntegralNumber()
            ? body.get("deliveryAttempt").intValue() : null);
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

  private static byte[] base64(String text) {
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

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
