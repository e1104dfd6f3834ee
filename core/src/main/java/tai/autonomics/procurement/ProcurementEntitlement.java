package tai.autonomics.procurement;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of Google's {@code Entitlement} resource that a provider decides on (the Partner Procurement API's
 * {@code providers.entitlements} reference). Times are RFC 3339 strings as Google sends them; absent fields are
 * null.
 *
 * @param name {@code providers/{provider}/entitlements/{id}}
 * @param account the account's resource name, {@code providers/{provider}/accounts/{accountId}}
 * @param state e.g. {@code ENTITLEMENT_ACTIVATION_REQUESTED}, {@code ENTITLEMENT_ACTIVE},
 *     {@code ENTITLEMENT_PENDING_PLAN_CHANGE_APPROVAL}
 */
public record ProcurementEntitlement(String name, String account, String provider, String product,
    String productExternalName, String plan, String newPendingPlan, String offer, String state,
    String usageReportingId, String createTime, String updateTime, String offerEndTime, String newOfferEndTime,
    String subscriptionEndTime, String cancellationReason) {

  static ProcurementEntitlement of(JsonNode json) {
    return new ProcurementEntitlement(text(json, "name"), text(json, "account"), text(json, "provider"),
        text(json, "product"), text(json, "productExternalName"), text(json, "plan"), text(json, "newPendingPlan"),
        text(json, "offer"), text(json, "state"), text(json, "usageReportingId"), text(json, "createTime"),
        text(json, "updateTime"), text(json, "offerEndTime"), text(json, "newOfferEndTime"),
        text(json, "subscriptionEndTime"), text(json, "cancellationReason"));
  }

  /** The entitlement id, the last segment of {@code name}. */
  public String id() {
    return lastSegment(name);
  }

  /** The procurement account id, the last segment of {@code account}; null without an account. */
  public String accountId() {
    return lastSegment(account);
  }

  static String lastSegment(String resourceName) {
    return resourceName == null ? null : resourceName.substring(resourceName.lastIndexOf('/') + 1);
  }

  /**
   * The field as text, any U+0000 in it replaced by U+FFFD: what Google says goes into receipts (plan names onto
   * entitlement receipts), and PostgreSQL, the cluster ledger, can neither hold a NUL in {@code text} nor read an
   * escaped one back as {@code jsonb}. Google's ids never hold one; a plan that did would then name no known SKU.
   */
  static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asText().replace('\0', '\uFFFD');
  }
}
