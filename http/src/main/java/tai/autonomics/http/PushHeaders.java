package tai.autonomics.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * An unwrapped push (Pub/Sub payload unwrapping with "write metadata"): the body is the message data as published,
 * the metadata are {@code x-goog-pubsub-*} headers and each attribute is a header of its own name. Google's page:
 * https://cloud.google.com/pubsub/docs/payload-unwrapping. Read into the same {@link PushEnvelope} as a wrapped push.
 */
final class PushHeaders {
  static final String SUBSCRIPTION = "x-goog-pubsub-subscription-name";
  static final String MESSAGE_ID = "x-goog-pubsub-message-id";
  static final String PUBLISH_TIME = "x-goog-pubsub-publish-time";
  static final String ORDERING_KEY = "x-goog-pubsub-ordering-key";
  /** Not on Google's list today; read when a push carries it, so a dead-letter policy's count is not lost. */
  static final String DELIVERY_ATTEMPT = "x-goog-pubsub-delivery-attempt";

  /** Headers HTTP, proxies, Pekko or Google's front end add: never message attributes. */
  private static final Set<String> NOT_ATTRIBUTES = Set.of("host", "content-type", "content-length", "user-agent",
      "authorization", "accept", "accept-encoding", "connection", "keep-alive", "te", "transfer-encoding", "expect",
      "from", "via", "forwarded", "traceparent", "tracestate", "cookie", "timeout-access", "raw-request-uri",
      "remote-address", "tls-session-info", "x-real-ip", "x-request-id", "x-cloud-trace-context");

  private PushHeaders() {}

  /** An unwrapped push names its message or subscription in headers; a wrapped one never does. */
  static boolean isUnwrapped(HttpRequest request) {
    return request.getHeader(MESSAGE_ID).isPresent() || request.getHeader(SUBSCRIPTION).isPresent();
  }

  static PushEnvelope decode(HttpRequest request, byte[] body) {
    String messageId = PushEnvelope.bounded(value(request, MESSAGE_ID), MESSAGE_ID, PushEnvelope.MAX_ID);
    return new PushEnvelope(messageId,
        PushEnvelope.bounded(value(request, PUBLISH_TIME), PUBLISH_TIME, PushEnvelope.MAX_TIME),
        attributes(request), body,
        PushEnvelope.bounded(value(request, SUBSCRIPTION), SUBSCRIPTION, PushEnvelope.MAX_SUBSCRIPTION),
        attempt(value(request, DELIVERY_ATTEMPT)),
        PushEnvelope.bounded(value(request, ORDERING_KEY), ORDERING_KEY, PushEnvelope.MAX_ORDERING_KEY));
  }

  /** The metadata of an unwrapped push that did not decode, for its dead letter: over-long values left out. */
  static PushEnvelope salvage(HttpRequest request, byte[] body) {
    return new PushEnvelope(PushEnvelope.upTo(value(request, MESSAGE_ID), PushEnvelope.MAX_ID),
        PushEnvelope.upTo(value(request, PUBLISH_TIME), PushEnvelope.MAX_TIME), attributes(request), body,
        PushEnvelope.upTo(value(request, SUBSCRIPTION), PushEnvelope.MAX_SUBSCRIPTION),
        attempt(value(request, DELIVERY_ATTEMPT)),
        PushEnvelope.upTo(value(request, ORDERING_KEY), PushEnvelope.MAX_ORDERING_KEY));
  }

  private static Map<String, String> attributes(HttpRequest request) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      String name = header.lowercaseName();
      if (!name.startsWith("x-goog-") && !name.startsWith("x-forwarded-") && !NOT_ATTRIBUTES.contains(name)) {
        attributes.putIfAbsent(name, header.value());
      }
    }
    return Map.copyOf(attributes);
  }

  /** The header's value, without the quotes Google's examples show around it; null when absent or empty. */
  private static String value(HttpRequest request, String name) {
    Optional<HttpHeader> header = request.getHeader(name);
    if (header.isEmpty()) {
      return null;
    }
    String value = header.get().value().trim();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return value.isEmpty() ? null : value;
  }

  private static Integer attempt(String value) {
    try {
      return value == null ? null : Integer.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
