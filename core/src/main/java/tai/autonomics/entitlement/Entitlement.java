package tai.autonomics.entitlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tai.autonomics.CborSerializable;

/**
 * A tenant's entitlement: which Marketplace entitlement, on which SKU tier (selects the policy pack), in which
 * lifecycle state. {@code pendingSku} is the plan a requested plan change would switch to.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entitlement(
    @JsonProperty("tenant_id") String tenantId,
    @JsonProperty("entitlement_id") String entitlementId,
    @JsonProperty("sku") String sku,
    @JsonProperty("state") EntitlementState state,
    @JsonProperty("customer_id") String customerId,
    @JsonProperty("pending_sku") String pendingSku)
    implements CborSerializable {

  public Entitlement withState(EntitlementState next) {
    return new Entitlement(tenantId, entitlementId, sku, next, customerId, pendingSku);
  }

  public Entitlement withPlan(String nextSku, String nextPendingSku) {
    return new Entitlement(tenantId, entitlementId, nextSku, state, customerId, nextPendingSku);
  }

  public boolean isActive() {
    return state.isActive();
  }
}
