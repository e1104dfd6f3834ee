package tai.autonomics.entitlement;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import tai.autonomics.entitlement.OutboxJob.Step;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.procurement.ProcurementAccount;
import tai.autonomics.procurement.ProcurementClient;
import tai.autonomics.procurement.ProcurementEntitlement;
import tai.autonomics.procurement.ProcurementResult;

/**
 * The Google side of a {@link ProcurementOutbox} step, with no actor state: the reads and the decision, or the
 * decided call, each turned into the job's next state and the receipt that records the step. A transient failure
 * (every attempt of the client failed) keeps the step for a later round; a refusal (4xx other than 429) ends it.
 */
final class ProcurementCalls {
  /**
   * A step's outcome: the job's next state and the receipt to write first ({@code retry}: the step is made again
   * after a backoff); {@code replyTo} is the operator waiting for a settlement's receipt.
   */
  record Stepped(String id, OutboxJob next, Receipt draft, boolean retry, ActorRef<StatusReply<Receipt>> replyTo)
      implements ProcurementOutbox.Command {}

  private static final int MAX_REASON = 200;

  private final ProcurementClient client;
  private final MarketplaceSettings settings;
  private final OutboxMetrics metrics;

  ProcurementCalls(ProcurementClient client, MarketplaceSettings settings, OutboxMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
  }

  /** {@code entitlements.get} (and, for a creation, {@code accounts.get}), then the decision. */
  CompletionStage<Stepped> decide(OutboxJob job) {
    return client.getEntitlement(job.entitlementId()).thenCompose(got -> {
      count("entitlements.get", got);
      if (!(got instanceof ProcurementResult.Ok<ProcurementEntitlement> ok)) {
        return CompletableFuture.completedFuture(failed(job, "entitlements.get", got));
      }
      ProcurementEntitlement entitlement = ok.value();
      if (job.planChange() || entitlement.accountId() == null) {
        return CompletableFuture.completedFuture(decided(job, entitlement, null));
      }
      return client.getAccount(entitlement.accountId()).thenApply(account -> {
        count("accounts.get", account);
        if (account instanceof ProcurementResult.Ok<ProcurementAccount> found) {
          return decided(job, entitlement, found.value());
        }
        // an account Google does not know (yet) is one not approved: the job waits for its approval
        return account instanceof ProcurementResult.Failed<ProcurementAccount> refused && refused.httpStatus() == 404
            ? decided(job, entitlement, null) : failed(job, "accounts.get", account);
      });
    });
  }

  /** The decided call. */
  CompletionStage<Stepped> call(OutboxJob job) {
    String id = job.entitlementId();
    String reason = job.reason() == null ? null
        : job.reason().substring(0, Math.min(job.reason().length(), MAX_REASON));
    CompletionStage<ProcurementResult<Void>> call = switch (job.call()) {
      case ProcurementDecision.APPROVE -> client.approveEntitlement(id);
      case ProcurementDecision.REJECT -> client.rejectEntitlement(id, reason);
      case ProcurementDecision.APPROVE_PLAN_CHANGE -> client.approvePlanChange(id, job.plan());
      case ProcurementDecision.REJECT_PLAN_CHANGE -> client.rejectPlanChange(id, job.plan(), reason);
      case ProcurementDecision.APPROVE_ACCOUNT -> client.approveAccount(job.accountId(), ProcurementDecision.SIGNUP,
          "the buyer signed up on the provider's sign-up page");
      default -> CompletableFuture.completedFuture(new ProcurementResult.Failed<>(0, "UNKNOWN_CALL",
          "no such call " + job.call(), 0));
    };
    return call.thenApply(result -> {
      count(job.call(), result);
      if (result instanceof ProcurementResult.Ok<Void> ok) {
        OutboxJob done = job.next(Step.DONE, job.call(), job.plan(), job.sku(), "Google accepted " + job.call(),
            System.currentTimeMillis());
        return step(job, done, job.call(), done.reason(), ok.attempts(), Map.of("outcome", "ok"), false);
      }
      return failed(job, job.call(), result);
    });
  }

  private Stepped decided(OutboxJob job, ProcurementEntitlement entitlement,
      ProcurementAccount account) {
    OutboxJob next = ProcurementDecision.decide(job, entitlement, account, settings, System.currentTimeMillis());
    return step(job, next, next.call() != null ? next.call() : "entitlements.get", next.reason(), null,
        Map.of("outcome", "decided"), false);
  }

  /** Every attempt failed (a later round makes it again), or Google refused for good (the job ends). */
  private Stepped failed(OutboxJob job, String call, ProcurementResult<?> result) {
    if (result instanceof ProcurementResult.Failed<?> refused) {
      String why = "Google refused " + call + ": HTTP " + refused.httpStatus() + " " + refused.status() + " "
          + refused.message();
      OutboxJob done = job.next(Step.DONE, null, job.plan(), job.sku(), why, System.currentTimeMillis());
      return step(job, done, call, why, refused.attempts(), Map.of("outcome", "failed",
          "http_status", Integer.toString(refused.httpStatus()), "google_status", String.valueOf(refused.status())),
          false);
    }
    ProcurementResult.Exhausted<?> exhausted = (ProcurementResult.Exhausted<?>) result;
    OutboxJob again = job.failedRound(exhausted.lastError());
    return step(job, again, call, "retrying: " + exhausted.lastError(), exhausted.attempts(),
        Map.of("outcome", "exhausted"), true);
  }

  private static Stepped step(OutboxJob before, OutboxJob after, String call, String reason,
      Integer attempts, Map<String, String> result, boolean retry) {
    Receipt draft = ProcurementReceipts.step(before, after, call, reason, attempts, result);
    return new Stepped(before.id(), after, draft, retry, null);
  }

  private void count(String call, ProcurementResult<?> result) {
    metrics.call(call, result.ok() ? "ok" : result instanceof ProcurementResult.Failed<?> ? "failed" : "exhausted");
  }
}
