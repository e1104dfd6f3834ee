package tai.autonomics.governor;

import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.PolicyPacks;

/**
 * What a governor knows in every state; immutable, replaced on each change.
 *
 * @param entitled the last entitlement status: false sends the governor to refusing
 * @param sku the tenant's SKU tier, which chose {@code pack}
 * @param coolingDown an action ended less than the pack's cooldown ago: act-level signals only warn
 */
record GovernorData(
    boolean entitled,
    String sku,
    PolicyPack pack,
    boolean coolingDown,
    long signals,
    long refusals,
    long actions) {

  /** Why a governor refuses: its quarantine, an inactive entitlement, a tenant without one. */
  static final String QUARANTINED = "quarantined";
  static final String ENTITLEMENT_INACTIVE = "entitlement_inactive";
  static final String UNKNOWN_TENANT = "unknown_tenant";

  /** What a governor knows once booted: the entitlement it loaded, no counts and no cooldown. */
  static GovernorData booted(Entitlements.Status status, PolicyPacks packs) {
    return new GovernorData(status.active(), status.sku(), packs.forSku(status.sku()), false, 0, 0, 0);
  }

  /** The entitlement changed: a plan change chooses another pack. */
  GovernorData withStatus(Entitlements.Status status, PolicyPacks packs) {
    return new GovernorData(status.active(), status.sku(), packs.forSku(status.sku()), coolingDown, signals, refusals,
        actions);
  }

  GovernorData withCooldown(boolean cooling) {
    return new GovernorData(entitled, sku, pack, cooling, signals, refusals, actions);
  }

  GovernorData countSignal(boolean refused) {
    return new GovernorData(entitled, sku, pack, coolingDown, signals + 1,
        refused ? refusals + 1 : refusals, actions);
  }

  GovernorData countAction() {
    return new GovernorData(entitled, sku, pack, coolingDown, signals, refusals, actions + 1);
  }

  Policy.View policyView() {
    return coolingDown ? Policy.View.COOLING_DOWN : Policy.View.NORMAL;
  }

  /** Why a governor that is not entitled refuses: a tenant without a SKU was never known. */
  String refusalReason() {
    return sku == null ? UNKNOWN_TENANT : ENTITLEMENT_INACTIVE;
  }

  /** Why a governor refuses for this inactive status: without an entitlement the tenant is unknown. */
  static String refusalReasonOf(Entitlements.Status status) {
    return status.entitlement() == null ? UNKNOWN_TENANT : ENTITLEMENT_INACTIVE;
  }
}
