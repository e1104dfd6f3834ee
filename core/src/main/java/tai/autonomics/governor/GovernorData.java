package tai.autonomics.governor;

import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.policy.MetricState;
import tai.autonomics.policy.Policy;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.PolicyPacks;

/**
 * What a governor knows in every state; immutable, replaced on each change.
 *
 * @param entitled the last entitlement status: false sends the governor to refusing
 * @param sku the tenant's SKU tier, which chose {@code pack}
 * @param coolingDown an action ended less than the pack's cooldown ago: act-level signals only warn
 * @param memory per-metric state, cooldown end, recent actions and pause: what receipts record and boot restores
 */
record GovernorData(
    boolean entitled,
    String sku,
    PolicyPack pack,
    boolean coolingDown,
    long signals,
    long refusals,
    long actions,
    GovernorMemory memory) {

  /** Why a governor refuses: its quarantine, an inactive entitlement, a tenant without one. */
  static final String QUARANTINED = "quarantined";
  static final String ENTITLEMENT_INACTIVE = "entitlement_inactive";
  static final String UNKNOWN_TENANT = "unknown_tenant";

  /** What a governor knows once booted: the entitlement it loaded and the memory its last receipt recorded. */
  static GovernorData booted(Entitlements.Status status, PolicyPacks packs, GovernorMemory memory, long now) {
    boolean cooling = memory.cooldownUntil() > now;
    return new GovernorData(status.active(), status.sku(), packs.forSku(status.sku()), cooling, 0, 0, 0,
        cooling ? memory : memory.withCooldownUntil(0));
  }

  /** The entitlement changed: a plan change chooses another pack. */
  GovernorData withStatus(Entitlements.Status status, PolicyPacks packs) {
    return new GovernorData(status.active(), status.sku(), packs.forSku(status.sku()), coolingDown, signals, refusals,
        actions, memory);
  }

  /** The tenant's pack was reloaded: the same SKU, another version. */
  GovernorData withPack(PolicyPack next) {
    return new GovernorData(entitled, sku, next, coolingDown, signals, refusals, actions, memory);
  }

  GovernorData withCooldown(boolean cooling, long until) {
    return new GovernorData(entitled, sku, pack, cooling, signals, refusals, actions,
        memory.withCooldownUntil(cooling ? until : 0));
  }

  GovernorData withMemory(GovernorMemory next) {
    return next == memory ? this : new GovernorData(entitled, sku, pack, coolingDown, signals, refusals, actions, next);
  }

  GovernorData withMetric(String metric, MetricState state) {
    boolean keep = !pack.ruleFor(metric).behavior().staleAfter().isZero();
    return withMemory(memory.withMetric(metric, state, keep));
  }

  GovernorData countSignal(boolean refused) {
    return new GovernorData(entitled, sku, pack, coolingDown, signals + 1,
        refused ? refusals + 1 : refusals, actions, memory);
  }

  /** One more action, started at {@code now}: it counts towards the pack's rate limit. */
  GovernorData countAction(long now) {
    PolicyPack.Limits limits = pack.limits();
    return new GovernorData(entitled, sku, pack, coolingDown, signals, refusals, actions + 1,
        memory.withAction(now, limits.per().toMillis(), limits.maxActions()));
  }

  Policy.View policyView(long now) {
    PolicyPack.Limits limits = pack.limits();
    int recent = limits.maxActions() > 0 ? memory.recentActions(now, limits.per().toMillis()) : 0;
    return new Policy.View(coolingDown, recent, memory.pausedBy() != null, now);
  }

  /** Stable or warning: the worst over the tenant's metrics. */
  GovernorState servingState() {
    return memory.anyWarning() ? GovernorState.WARNING : GovernorState.STABLE;
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
