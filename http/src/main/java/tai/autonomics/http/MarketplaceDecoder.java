package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.EntitlementTransitions;

/**
 * Reads {@code POST /marketplace} bodies (docs/API.md, Marketplace): the flat contract {@code {tenant_id, entitlement_id, action,
 * sku?, customer_id?, reason?, event_id?, signature?}} or a Pub/Sub push envelope whose data is a Marketplace
 * Procurement event {@code {eventId, eventType, providerId, entitlement: {id, newPlan?}, account?: {id}}}.
 */
public final class MarketplaceDecoder {
  private MarketplaceDecoder() {}

  /**
   * A decoded request. {@code signature} is the flat contract's JWT carried in the body ({@code signature}), null
   * when absent and always for a push (Google's events carry only the push token).
   */
  public record Request(EntitlementEvent event, boolean envelope, String signature) {}

  /** @param requestId the {@code X-Request-ID} header: de-duplicates a flat event that has no {@code event_id} */
  public static Request decode(JsonNode body, String requestId) {
    if (PushEnvelope.isEnvelope(body)) {
      return decodePush(PushEnvelope.decode(body));
    }
    return new Request(flat(body, requestId), false, optional(body, "signature"));
  }

  /** A push, wrapped or unwrapped, whose data is a Procurement event. */
  public static Request decodePush(PushEnvelope envelope) {
    JsonNode event = envelope.dataJson();
    if (!event.isObject()) {
      throw ClientError.badRequest("invalid_envelope", "message.data is not a Procurement event object");
    }
    return new Request(procurement(event, envelope), true, null);
  }

  private static EntitlementEvent.Procurement procurement(JsonNode event, PushEnvelope envelope) {
    String eventId = optional(event, "eventId");
    String eventType = optional(event, "eventType");
    String entitlementId = optional(event.path("entitlement"), "id");
    String accountId = optional(event.path("account"), "id");
    if (eventId == null || eventType == null || (entitlementId == null && accountId == null)) {
      throw ClientError.badRequest("missing_required_fields",
          "a Procurement event needs eventId, eventType and entitlement.id or account.id");
    }
    if (EntitlementTransitions.isInternal(eventType)) {
      // the node's own events (a SKU resolved, an offer end passed) would let a sender change an entitlement as
      // only the node may: no Google event has this type, so it is refused as one unknown, a permanent failure
      throw ClientError.badRequest("unknown_event_type", eventType
          + " is not a Google Cloud Marketplace event type (it is one of the node's own)");
    }
    return new EntitlementEvent.Procurement(eventId, eventType, optional(event, "providerId"), entitlementId,
        optional(event.path("entitlement"), "newPlan"), accountId,
        checked("tenant_id", blankToNull(envelope.attributes().get("tenant_id")), SignalDecoder.MAX_NAME));
  }

  private static EntitlementEvent.Flat flat(JsonNode body, String requestId) {
    String tenantId = optional(body, "tenant_id");
    String entitlementId = optional(body, "entitlement_id");
    String action = optional(body, "action");
    if (tenantId == null || entitlementId == null || action == null) {
      throw ClientError.badRequest("missing_required_fields", "tenant_id, entitlement_id and action are required");
    }
    EntitlementEvent.FlatActionType type;
    try {
      type = EntitlementEvent.FlatActionType.valueOf(action.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ClientError.badRequest("unknown_action", "action must be grant, revoke, suspend or resume");
    }
    String eventId = optional(body, "event_id");
    return new EntitlementEvent.Flat(tenantId, entitlementId, type, optional(body, "sku"),
        optional(body, "customer_id"), optional(body, "reason"),
        eventId != null ? eventId : checked("X-Request-ID", blankToNull(requestId), SignalDecoder.MAX_NAME));
  }

  /** A string field, null when absent or blank; a present non-string is malformed. */
  private static String optional(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ClientError.badRequest("invalid_event", field + " is not a string");
    }
    int max = field.equals("signature") ? 16_384 : field.equals("reason") ? 1024 : SignalDecoder.MAX_NAME;
    return blankToNull(checked(field, value.textValue(), max));
  }

  /**
   * {@code text}, or a refusal when it is longer than {@code max} or holds U+0000. Every string of an event ends up
   * in PostgreSQL in cluster mode: ids in {@code text} columns, which refuse a NUL (every write of it would fail:
   * 503), and the whole entitlement receipt, which the entitlements read back at start as {@code jsonb}, and
   * {@code jsonb} refuses an escaped NUL too.
   */
  private static String checked(String field, String text, int max) {
    if (text == null) {
      return null;
    }
    if (text.length() > max) {
      throw ClientError.badRequest("invalid_event", field + " is longer than " + max + " characters");
    }
    if (SignalDecoder.holdsNul(text)) {
      throw ClientError.badRequest("invalid_event", field + " contains U+0000");
    }
    return text;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
