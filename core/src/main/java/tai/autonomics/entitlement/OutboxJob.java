package tai.autonomics.entitlement;

import java.util.Map;

/**
 * One entitlement's work in the {@link ProcurementOutbox}, or one sign-up's approval of its account: what to do next
 * for Google, and why. Immutable; the outbox replaces it at each step. Every step's outcome is a
 * {@code procurement_call} receipt carrying {@link #id}, from which a restart re-derives the job
 * ({@link ProcurementReceipts#restore}; a sign-up's from its link, {@link OutboxSignUps}).
 *
 * @param id the job's id: the entitlement's, whose receipts are those after the entitlement's latest receipt; for a
 *     sign-up {@code account:} and the account id
 * @param entitlementId null for a sign-up's job
 * @param planChange a plan change's approval (else a creation's)
 * @param call for {@link Step#CALL}: the Procurement method to call, e.g. {@code entitlements.approve}; for
 *     {@link Step#DONE}: the call Google accepted, null when it refused
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

  /** A sign-up's job: {@code accounts.approve} of the account's {@code signup} approval, for {@code tenantId}. */
  static OutboxJob signUp(String accountId, String tenantId, long now) {
    return new OutboxJob("account:" + accountId, null, tenantId, accountId, false, Step.CALL,
        ProcurementDecision.APPROVE_ACCOUNT, null, null, "signup: the buyer signed up", 0, now, null, null);
  }

  boolean isSignUp() {
    return entitlementId == null;
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
