package tai.autonomics.entitlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tai.autonomics.CborSerializable;

/**
 * A tenant's entitlement: which Marketplace entitlement, on which SKU tier (selects the policy pack), in which
 * lifecycle state. {@code pendingSku} is the plan a requested plan change would switch to; {@code offerEndTime} the
 * end of the offer's current term as Google's {@code entitlements.get} gave it (RFC 3339), null when none is known:
 * when it passes, the entitlement expires ({@link EntitlementsExpiry}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entitlement(
    @JsonProperty("tenant_id") String tenantId,
    @JsonProperty("entitlement_id") String entitlementId,
    @JsonProperty("sku") String sku,
    @JsonProperty("state") EntitlementState state,
    @JsonProperty("customer_id") String customerId,
    @JsonProperty("pending_sku") String pendingSku,
    @JsonProperty("offer_end_time") String offerEndTime)
    implements CborSerializable {

  /** An entitlement whose offer end is not known (every flat one, and Google's until entitlements.get told it). */
  public Entitlement(String tenantId, String entitlementId, String sku, EntitlementState state, String customerId,
      String pendingSku) {
    this(tenantId, entitlementId, sku, state, customerId, pendingSku, null);
  }

  public Entitlement withState(EntitlementState next) {
    return new Entitlement(tenantId, entitlementId, sku, next, customerId, pendingSku, offerEndTime);
  }

  public Entitlement withPlan(String nextSku, String nextPendingSku) {
    return new Entitlement(tenantId, entitlementId, nextSku, state, customerId, nextPendingSku, offerEndTime);
  }

  public Entitlement withOfferEnd(String nextOfferEndTime) {
    return new Entitlement(tenantId, entitlementId, sku, state, customerId, pendingSku, nextOfferEndTime);
  }

  public boolean isActive() {
    return state.isActive();
  }
}
