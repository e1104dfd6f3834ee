package tai.autonomics.ledger;

/**
 * What makes a message a redelivery: the tenant, where its id is unique, and the id. Pub/Sub guarantees a messageId
 * unique only within a topic, so a push is keyed by its subscription; a Procurement eventId by its providerId. A
 * receipt answers a repeat only when its key is the repeat's: never another tenant's, never another topic's.
 *
 * @param scope the providerId, else the subscription, else "" (a flat Marketplace request's id is the caller's)
 */
public record MessageKey(String tenantId, String scope, String messageId) {

  public MessageKey {
    scope = scope == null ? "" : scope;
  }

  /** The key of a receipt or draft, or null when it answers no message. */
  public static MessageKey of(Receipt r) {
    String subscription = r.delivery() == null ? null : r.delivery().subscription();
    return r.messageId() == null ? null
        : new MessageKey(r.tenantId(), r.providerId() != null ? r.providerId() : subscription, r.messageId());
  }
}
