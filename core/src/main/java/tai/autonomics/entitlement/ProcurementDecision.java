package tai.autonomics.entitlement;

import java.util.LinkedHashMap;
import java.util.Map;
import tai.autonomics.entitlement.OutboxJob.Step;
import tai.autonomics.procurement.ProcurementAccount;
import tai.autonomics.procurement.ProcurementEntitlement;

/**
 * The decision on a requested entitlement as a pure function of what Google said about it (docs/OPERATIONS.md,
 * Google Cloud Marketplace): a creation is approved when its account is approved and its plan maps to a SKU; a plan
 * change when the pending plan does; an unknown plan is held for an operator or rejected, as configured; an account
 * not yet approved waits for its approval.
 */
final class ProcurementDecision {
  static final String APPROVE = "entitlements.approve";
  static final String REJECT = "entitlements.reject";
  static final String APPROVE_PLAN_CHANGE = "entitlements.approvePlanChange";
  static final String REJECT_PLAN_CHANGE = "entitlements.rejectPlanChange";
  /** A sign-up's call: the account's {@code signup} approval (docs/OPERATIONS.md, Sign-up flow). */
  static final String APPROVE_ACCOUNT = "accounts.approve";
  static final String SIGNUP = "signup";

  private ProcurementDecision() {}

  /** The job's next step after Google's entitlement (and, for a creation, its account: null when Google has none). */
  static OutboxJob decide(OutboxJob job, ProcurementEntitlement got, ProcurementAccount account,
      MarketplaceSettings settings, long now) {
    OutboxJob known = job.withFacts(got.accountId(), facts(got, account));
    if (job.planChange()) {
      String plan = got.newPendingPlan();
      if (plan == null) {
        return known.next(Step.DONE, null, null, null, "no plan change pending at Google", now);
      }
      String sku = settings.skuFor(plan);
      if (sku != null) {
        return known.next(Step.CALL, APPROVE_PLAN_CHANGE, plan, sku, "plan " + plan + " maps to SKU " + sku, now);
      }
      return unknownPlan(known, plan, REJECT_PLAN_CHANGE, settings, now);
    }
    String plan = got.plan();
    String sku = settings.skuFor(plan);
    if (sku == null) {
      return unknownPlan(known, plan, REJECT, settings, now);
    }
    if (!approved(account)) {
      return known.next(Step.AWAITING_ACCOUNT, null, plan, sku, "account_not_approved: account "
          + got.accountId() + " has not signed up yet", now);
    }
    return known.next(Step.CALL, APPROVE, plan, sku, "plan " + plan + " maps to SKU " + sku
        + "; account approved", now);
  }

  /** An operator's settlement of a held job: approve (on {@code sku}, else the plan's, else the default) or reject. */
  static OutboxJob settle(OutboxJob job, boolean approve, String operator, String sku, long now) {
    String chosen = sku != null ? sku : job.sku() != null ? job.sku() : EntitlementTransitions.DEFAULT_SKU;
    String call = job.planChange() ? (approve ? APPROVE_PLAN_CHANGE : REJECT_PLAN_CHANGE)
        : approve ? APPROVE : REJECT;
    return job.next(Step.CALL, call, job.plan(), approve ? chosen : job.sku(),
        "operator " + operator + ": " + (approve ? "approve on SKU " + chosen : "reject"), now);
  }

  /**
   * The node's own event that puts the decided SKU on the entitlement before its approval is called, with the offer
   * end time entitlements.get gave (when it is one): from then on the entitlement expires when it passes.
   */
  static EntitlementEvent.Procurement resolved(OutboxJob job) {
    return new EntitlementEvent.Procurement(null, EntitlementTransitions.PLAN_RESOLVED, null, job.entitlementId(),
        job.sku(), null, job.tenantId(), EntitlementsExpiry.parse(job.facts().get("offer_end_time")) == null
            ? null : job.facts().get("offer_end_time"));
  }

  /** A decision (not a call's result) to approve a creation on a SKU: the SKU goes on the entitlement first. */
  static boolean approvesCreation(ProcurementCalls.Stepped stepped) {
    return stepped.next().step() == Step.CALL && APPROVE.equals(stepped.next().call())
        && !"call".equals(stepped.draft().stateFrom()) && stepped.next().sku() != null;
  }

  static boolean approved(ProcurementAccount account) {
    return account != null && (account.approved("signup") || "ACCOUNT_ACTIVE".equals(account.state()));
  }

  private static OutboxJob unknownPlan(OutboxJob job, String plan, String reject, MarketplaceSettings settings,
      long now) {
    String why = "unknown_plan: plan " + plan + " maps to no SKU (autonomics.entitlements.marketplace.sku-for-plan)";
    return settings.holdUnknownPlans() ? job.next(Step.HELD, null, plan, null, why, now)
        : job.next(Step.CALL, reject, plan, null, why, now);
  }

  private static Map<String, String> facts(ProcurementEntitlement got, ProcurementAccount account) {
    Map<String, String> facts = new LinkedHashMap<>();
    put(facts, "plan", got.plan());
    put(facts, "pending_plan", got.newPendingPlan());
    put(facts, "product", got.product());
    put(facts, "usage_reporting_id", got.usageReportingId());
    put(facts, "google_state", got.state());
    put(facts, "create_time", got.createTime());
    put(facts, "offer_end_time", got.offerEndTime());
    put(facts, "new_offer_end_time", got.newOfferEndTime());
    put(facts, "subscription_end_time", got.subscriptionEndTime());
    if (account != null) {
      put(facts, "account_state", account.state());
    }
    return facts;
  }

  private static void put(Map<String, String> facts, String key, String value) {
    if (value != null && !value.isEmpty()) {
      facts.put(key, value);
    }
  }
}
