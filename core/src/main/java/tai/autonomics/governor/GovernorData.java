package tai.autonomics.governor;

import tai.autonomics.policy.PolicyPack;

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

  GovernorData withEntitlement(boolean nowEntitled, String nowSku, PolicyPack nowPack) {
    return new GovernorData(nowEntitled, nowSku, nowPack, coolingDown, signals, refusals, actions);
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
}
