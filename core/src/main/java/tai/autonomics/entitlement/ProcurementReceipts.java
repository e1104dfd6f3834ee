package tai.autonomics.entitlement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tai.autonomics.entitlement.OutboxJob.Step;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;

/**
 * The {@code procurement_call} receipts of the {@link ProcurementOutbox} (docs/RECEIPTS.md), and the way back: a job
 * as its latest receipt left it. A receipt records one step: {@code state_from} the step it ends, {@code state_to}
 * the job's next step ({@code decide}, {@code call}, {@code held}, {@code awaiting_account}, {@code done}),
 * {@code action_id} the job, {@code action_type} the Procurement method called (or, for a decision, to be called),
 * {@code pending_sku} Google's plan name, {@code sku} the SKU it maps to, {@code customer_id} the account, and
 * {@code inputs} what Google said (plan, offer dates, HTTP status).
 *
 * <p>A sign-up's approval is an account's record, as Google's account events are: an {@code entitlement} receipt
 * without {@code entitlement_id} ({@code action_type} {@code accounts.approve}, {@code customer_id} the account) links
 * the account to its tenant ({@code state_to} {@code approving}), and a second one closes it ({@code approved} or
 * {@code refused}) once the call's {@code procurement_call} result is written. The store keeps the latest entitlement
 * receipt of each sign-up's job apart from the tenant's other receipts without entitlement id (its account events;
 * {@link ReceiptStore#latestEntitlements}), so a restart finds every link not closed without reading the chain.
 */
final class ProcurementReceipts {
  private static final int PAGE = 1000;
  private static final String APPROVING = "approving";

  private ProcurementReceipts() {}

  /** The receipt of the step from {@code before} to {@code after}; {@code result} adds the call's outcome. */
  static Receipt step(OutboxJob before, OutboxJob after, String call, String reason, Integer attempts,
      Map<String, String> result) {
    Map<String, String> inputs = new LinkedHashMap<>(after.facts());
    if (result != null) {
      inputs.putAll(result);
    }
    Receipt.Builder draft = Receipt.draft(ReceiptType.PROCUREMENT_CALL, after.tenantId())
        .states(before.step().wireName(), after.step().wireName())
        .reason(reason)
        .action(after.id(), call)
        .entitlement(after.entitlementId(), after.sku())
        .entitlementDetails(after.accountId(), after.plan())
        .inputs(inputs);
    if (attempts != null) {
      draft.attempts(attempts);
    }
    return draft.build();
  }

  /** The durable link of a sign-up's job: the account's approval is to be called for this tenant. */
  static Receipt signUpLink(OutboxJob job) {
    return account(job, null, APPROVING, "signup: account " + job.accountId() + " linked to tenant "
        + job.tenantId() + "; " + job.call() + " (" + ProcurementDecision.SIGNUP + ") to call");
  }

  /** The close of a sign-up's job: {@code done.call()} is the call Google accepted, null when it refused. */
  static Receipt signUpClosed(OutboxJob done) {
    return done.call() != null
        ? account(done, APPROVING, "approved", "signup: account " + done.accountId() + " approved at Google")
        : account(done, APPROVING, "refused", "signup: " + done.reason());
  }

  /** A sign-up link no close followed: its job is still to do. */
  static boolean pendingSignUp(Receipt receipt) {
    return receipt.type() == ReceiptType.ENTITLEMENT && receipt.entitlementId() == null
        && ProcurementDecision.APPROVE_ACCOUNT.equals(receipt.actionType()) && APPROVING.equals(receipt.stateTo())
        && receipt.customerId() != null;
  }

  /** The close of a sign-up link: its job is done. */
  static boolean closedSignUp(Receipt receipt) {
    return receipt.type() == ReceiptType.ENTITLEMENT && receipt.entitlementId() == null
        && ProcurementDecision.APPROVE_ACCOUNT.equals(receipt.actionType()) && APPROVING.equals(receipt.stateFrom());
  }

  private static Receipt account(OutboxJob job, String from, String to, String reason) {
    return Receipt.draft(ReceiptType.ENTITLEMENT, job.tenantId()).states(from, to).reason(reason)
        .action(job.id(), ProcurementDecision.APPROVE_ACCOUNT).entitlementDetails(job.accountId(), null).build();
  }

  /**
   * The entitlement's {@code procurement_call} receipts in its tenant's chain after {@code afterSeq}, read page by
   * page and only those kept (a blocking read: off the actor's thread).
   */
  static List<Receipt> after(ReceiptStore store, String tenantId, String entitlementId, long afterSeq) {
    List<Receipt> all = new ArrayList<>();
    long from = afterSeq;
    List<Receipt> page;
    do {
      page = store.page(tenantId, from, PAGE);
      page.stream().filter(r -> r.type() == ReceiptType.PROCUREMENT_CALL && entitlementId.equals(r.actionId()))
          .forEach(all::add);
      from = page.isEmpty() ? from : page.get(page.size() - 1).seq();
    } while (page.size() == PAGE);
    return all;
  }

  /**
   * The job the chain after its request leaves: {@code later} are the tenant's receipts after {@code request} (the
   * entitlement receipt that asked for the job), of which the latest {@code procurement_call} of this job decides.
   */
  static OutboxJob restore(Entitlement entitlement, Receipt request, List<Receipt> later) {
    String id = entitlement.entitlementId();
    OutboxJob job = OutboxJob.decide(id, entitlement, request.timestamp());
    Receipt last = null;
    for (Receipt receipt : later) {
      if (receipt.type() == ReceiptType.PROCUREMENT_CALL && id.equals(receipt.actionId())) {
        last = receipt;
      }
    }
    if (last == null) {
      return job;
    }
    Step step = Step.valueOf(last.stateTo().toUpperCase(java.util.Locale.ROOT));
    Map<String, String> facts = new LinkedHashMap<>(last.inputs() == null ? Map.of() : last.inputs());
    List.of("outcome", "http_status", "google_status", "error").forEach(facts::remove);
    return job.withFacts(last.customerId(), facts)
        .next(step, step == Step.CALL ? last.actionType() : null, last.pendingSku(), last.sku(), last.reason(),
            last.timestamp());
  }
}
