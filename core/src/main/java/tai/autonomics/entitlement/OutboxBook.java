package tai.autonomics.entitlement;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The jobs of the {@link ProcurementOutbox}, at most one per entitlement (and per signed-up account), keyed by the
 * job's id, and what Google said of each entitlement (for the operator's view). Mutable, used by that actor alone.
 */
final class OutboxBook {
  /** The reason of a job whose operator's decision is being written. */
  static final String SETTLING = "settling";

  private final Map<String, OutboxJob> jobs = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> facts = new LinkedHashMap<>();
  /** Entitlements whose job is being read from the ledger: one that stops waiting for Google meanwhile has none. */
  private final Set<String> restoring = new HashSet<>();
  private final OutboxMetrics metrics;
  private final long stuckAfterMillis;

  OutboxBook(OutboxMetrics metrics, long stuckAfterMillis) {
    this.metrics = metrics;
    this.stuckAfterMillis = stuckAfterMillis;
  }

  OutboxJob get(String id) {
    return id == null ? null : jobs.get(id);
  }

  int size() {
    return jobs.size();
  }

  /** The job {@code id} is still the entitlement's: an answer for it is not a late one. */
  boolean current(String id, OutboxJob job) {
    OutboxJob held = jobs.get(job.id());
    return held != null && held.id().equals(id);
  }

  /** The entitlement's job from now on (one being read from the ledger meanwhile is no longer wanted). */
  void put(OutboxJob job) {
    restoring.remove(job.id());
    remember(job);
    jobs.put(job.id(), job);
    report();
  }

  void restoring(String entitlementId) {
    restoring.add(entitlementId);
  }

  /** The job read from the ledger is still wanted (its entitlement still waits for Google). */
  boolean claim(OutboxJob job) {
    return restoring.remove(job.id());
  }

  void remove(String id) {
    restoring.remove(id);
    jobs.remove(id);
    report();
  }

  /** Keeps what Google said, which outlives the job. */
  void remember(OutboxJob job) {
    if (!job.facts().isEmpty() && !job.isSignUp()) {
      facts.put(job.entitlementId(), job.facts());
    }
  }

  /**
   * An operator's settlement of a held job: the step that writes the decision, or null when none is held. Until the
   * decision is durable the job is no longer held, so a second settlement meanwhile is refused.
   */
  ProcurementCalls.Stepped settle(ProcurementOutbox.Settle settle) {
    OutboxJob job = jobs.get(settle.entitlementId());
    if (job == null || job.step() != OutboxJob.Step.HELD && job.step() != OutboxJob.Step.AWAITING_ACCOUNT) {
      return null;
    }
    OutboxJob next = ProcurementDecision.settle(job, settle.approve(), settle.operator(), settle.sku(),
        System.currentTimeMillis());
    put(job.next(OutboxJob.Step.CALL, next.call(), next.plan(), next.sku(), SETTLING, job.since()));
    return new ProcurementCalls.Stepped(job.id(), next, ProcurementReceipts.step(job, next, next.call(),
        next.reason(), null, Map.of("outcome", "decided")), false, settle.replyTo());
  }

  List<OutboxJob> awaitingAccount(String accountId) {
    return jobs.values().stream()
        .filter(j -> j.step() == OutboxJob.Step.AWAITING_ACCOUNT && accountId.equals(j.accountId())).toList();
  }

  private List<EntitlementView> views(List<Entitlement> entitlements) {
    long now = System.currentTimeMillis();
    return entitlements.stream().map(e -> EntitlementView.of(e, facts.get(e.entitlementId()),
        jobs.get(e.entitlementId()), now, stuckAfterMillis)).toList();
  }

  /** The operator's view of the tenant: its entitlements, and its sign-ups whose approval is still to get through. */
  <T> Behavior<T> describe(ProcurementOutbox.Describe describe) {
    long now = System.currentTimeMillis();
    describe.replyTo().tell(new MarketplaceCommand.Overview(views(describe.entitlements()), jobs.values().stream()
        .filter(j -> j.isSignUp() && describe.tenantId().equals(j.tenantId()))
        .map(j -> SignUpView.of(j, now, stuckAfterMillis)).toList()));
    return Behaviors.same();
  }

  void report() {
    metrics.update(jobs.values());
  }

  /** The outbox stopped: its gauges go (a restarted outbox registers its own). */
  <T> Behavior<T> closed() {
    metrics.close();
    return Behaviors.same();
  }
}
