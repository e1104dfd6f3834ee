package tai.autonomics.entitlement;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tai.autonomics.CborSerializable;

/**
 * An input that may change an entitlement: the flat contract, or a Marketplace Procurement event. The type names
 * let {@link Entitlements.Apply}, whose field has this interface as its type, cross the network in cluster mode.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EntitlementEvent.Flat.class, name = "flat"),
    @JsonSubTypes.Type(value = EntitlementEvent.Procurement.class, name = "procurement")})
public sealed interface EntitlementEvent extends CborSerializable {

  /** The id used to de-duplicate redeliveries, or null when the input carries none. */
  String eventId();

  enum FlatActionType { GRANT, REVOKE, SUSPEND, RESUME }

  /**
   * The flat contract {@code {tenant_id, entitlement_id, action, sku?, customer_id?, reason?}}; {@code eventId} is
   * optional and de-duplicates when present.
   */
  record Flat(String tenantId, String entitlementId, FlatActionType action, String sku, String customerId,
      String reason, String eventId) implements EntitlementEvent {}

  /**
   * A Google Cloud Marketplace Procurement event ({@code eventType} as Google sends it). The tenant is the one
   * already bound to {@code entitlementId}; for a new entitlement, {@code tenantId} when the envelope named one,
   * else the account id, else the entitlement id. {@code offerEndTime} is set only on the node's own
   * {@code PLAN_RESOLVED}: the offer end Google's entitlements.get gave.
   */
  record Procurement(String eventId, String eventType, String providerId, String entitlementId, String newPlan,
      String accountId, String tenantId, String offerEndTime) implements EntitlementEvent {

    /** As Google sends an event: no offer end time. */
    public Procurement(String eventId, String eventType, String providerId, String entitlementId, String newPlan,
        String accountId, String tenantId) {
      this(eventId, eventType, providerId, entitlementId, newPlan, accountId, tenantId, null);
    }
  }
}
