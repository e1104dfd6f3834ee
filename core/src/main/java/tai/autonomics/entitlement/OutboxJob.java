package tai.autonomics.entitlement;

import java.util.Map;

/**
 * One entitlement's work in the {@link ProcurementOutbox}: what to do next for Google, and why. Immutable; the outbox
 * replaces it at each step. Every step's outcome is a {@code procurement_call} receipt carrying {@link #id}, from
 * which a restart re-derives the job ({@link OutboxRestore}).
 *
 * @param id the job's id, the entitlement's: its receipts are those after the entitlement's latest receipt
 * @param planChange a plan change's approval (else a creation's)
 * @param call for {@link Step#CALL}: the Procurement method to call, e.g. {@code entitlements.approve}
 * @param plan Google's plan name the decision is on (the pending plan, for a plan change)
 * @param sku the SKU that plan maps to, null for an unknown plan
 * @param rounds how many times every attempt of this step failed; the next one waits for a backoff
 * @param since when the step began (epoch millis): a call not made for long is stuck
 */
record OutboxJob(String id, String entitlementId, String tenantId, String accountId, boolean planChange, Step step,
    String call, String plan, String sku, String reason, int rounds, long since, String lastError,
    Map<String, String> facts) {

  /** What the job waits for. */
  enum Step {
    /** to read the entitlement (and its account) from Google and decide */
    DECIDE,
    /** to make {@code call} at Google, decided already */
    CALL,
    /** for an operator: the plan maps to no SKU (POST .../approve|reject settles it) */
    HELD,
    /** for the account's approval (a sign-up, or Google's ACCOUNT_ACTIVE), then it decides again */
    AWAITING_ACCOUNT,
    /** nothing: the last call was made (or refused for good); Google's next event moves the entitlement */
    DONE;

    String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  OutboxJob {
    facts = facts == null ? Map.of() : Map.copyOf(facts);
  }

  static OutboxJob decide(String id, Entitlement entitlement, long now) {
    return new OutboxJob(id, entitlement.entitlementId(), entitlement.tenantId(), entitlement.customerId(),
        entitlement.state() == EntitlementState.PENDING_PLAN_CHANGE, Step.DECIDE, null, null, null, null, 0, now,
        null, null);
  }

  OutboxJob next(Step nextStep, String nextCall, String nextPlan, String nextSku, String why, long now) {
    return new OutboxJob(id, entitlementId, tenantId, accountId, planChange, nextStep, nextCall, nextPlan, nextSku,
        why, 0, now, null, facts);
  }

  /** The same step once more, later: every attempt failed with {@code error}. */
  OutboxJob failedRound(String error) {
    return new OutboxJob(id, entitlementId, tenantId, accountId, planChange, step, call, plan, sku, reason,
        rounds + 1, since, error, facts);
  }

  OutboxJob withFacts(String account, Map<String, String> known) {
    return new OutboxJob(id, entitlementId, tenantId, account != null ? account : accountId, planChange, step, call,
        plan, sku, reason, rounds, since, lastError, known);
  }

  boolean stuck(long now, long stuckAfterMillis) {
    return (step == Step.DECIDE || step == Step.CALL) && (rounds > 0 || now - since > stuckAfterMillis);
  }
}
