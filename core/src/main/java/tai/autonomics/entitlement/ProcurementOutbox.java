package tai.autonomics.entitlement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.entitlement.OutboxJob.Step;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.procurement.ProcurementClient;
import tai.autonomics.procurement.ProcurementResult;

/**
 * The durable outbox of Marketplace decisions, a child of {@link Entitlements} (so, in cluster mode, inside its
 * singleton: exactly one node drains it). It keeps no storage of its own: an entitlement waiting for Google (a
 * creation or a plan change requested) is a job, and each step of the job is a {@code procurement_call} receipt in
 * the tenant's chain, written before the next step begins. At start {@link Entitlements} hands over every waiting
 * entitlement with the receipt that asked for it, and the job resumes where its latest receipt left it
 * ({@link ProcurementReceipts#restore}), in RocksDB and PostgreSQL alike. A call is made only after the decision to
 * make it is durable, so after a crash it may be made twice: Google's approve of an approved entitlement changes
 * nothing. A call that failed every attempt is made again after a backoff; one Google refuses (a 4xx other than 429)
 * is recorded and not repeated. Lifecycle: stopped and spawned again with its parent.
 */
final class ProcurementOutbox {

  interface Command {}

  /** The entitlement's committed state: a job starts when it waits for Google, ends when it no longer does. */
  record Track(Entitlement entitlement, Receipt receipt, boolean fromLedger) implements Command {}

  /** The account was approved (Google's ACCOUNT_ACTIVE or a sign-up): its jobs waiting for it decide again. */
  record AccountApproved(String accountId) implements Command {}

  record Settle(String entitlementId, boolean approve, String operator, String sku,
      ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  record Describe(List<Entitlement> entitlements, ActorRef<List<EntitlementView>> replyTo) implements Command {}

  private record ChainRead(Entitlement entitlement, Receipt request, List<Receipt> later) implements Command {}

  /**
   * A step's outcome: the job's next state and the receipt to write first ({@code retry}: the step is made again
   * after a backoff); {@code replyTo} is the operator waiting for a settlement's receipt.
   */
  record Stepped(String id, OutboxJob next, Receipt draft, boolean retry, ActorRef<StatusReply<Receipt>> replyTo)
      implements Command {}

  /** The SKU of an approved creation is on the entitlement: its decision can be written. */
  private record Resolved(Stepped stepped, boolean ok) implements Command {}

  private record Written(String id, OutboxJob next, boolean retry, boolean ok) implements Command {}

  private record Retry(String id) implements Command {}

  static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ActorRef<Entitlements.Command> entitlements,
      ReceiptStore store, ProcurementClient client, MarketplaceSettings settings, OutboxMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ProcurementOutbox(context, timers, ledger, entitlements, store, client, settings, metrics).running()));
  }

  private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);
  private static final int PAGE = 1000;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<Ledger.Command> ledger;
  private final ActorRef<Entitlements.Command> entitlements;
  private final ReceiptStore store;
  private final MarketplaceSettings settings;
  private final OutboxMetrics metrics;
  private final Executor blocking;
  private final ProcurementCalls calls;
  /** By entitlement id: at most one job per entitlement, one step of it in flight at a time. */
  private final Map<String, OutboxJob> jobs = new LinkedHashMap<>();
  /** What Google said of each entitlement, for the operator's view. */
  private final Map<String, Map<String, String>> facts = new LinkedHashMap<>();

  private ProcurementOutbox(ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<Ledger.Command> ledger, ActorRef<Entitlements.Command> entitlements, ReceiptStore store,
      ProcurementClient client, MarketplaceSettings settings, OutboxMetrics metrics) {
    this.context = context;
    this.timers = timers;
    this.ledger = ledger;
    this.entitlements = entitlements;
    this.store = store;
    this.settings = settings;
    this.metrics = metrics;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.calls = new ProcurementCalls(client, settings, metrics);
  }

  // drains the jobs; every message is answered at once, Google's and the ledger's answers come back as messages
  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Track.class, this::onTrack)
        .onMessage(ChainRead.class, read -> start(ProcurementReceipts.restore(read.entitlement(), read.request(),
            read.later())))
        .onMessage(AccountApproved.class, this::onAccountApproved)
        .onMessage(Settle.class, this::onSettle)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(Stepped.class, this::onStepped)
        .onMessage(Resolved.class, this::onResolved)
        .onMessage(Written.class, this::onWritten)
        .onMessage(Retry.class, retry -> proceed(jobs.get(retry.id())))
        .onSignal(PostStop.class, stop -> {
          metrics.close();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onTrack(Track track) {
    Entitlement entitlement = track.entitlement();
    String id = entitlement.entitlementId();
    if (!EntitlementBook.awaitsGoogle(entitlement)) {
      jobs.remove(id);
      timers.cancel(id);
      return updated();
    }
    if (jobs.containsKey(id)) {
      return Behaviors.same();
    }
    if (!track.fromLedger()) {
      return start(OutboxJob.decide(id, entitlement, System.currentTimeMillis()));
    }
    // where the job stood: the tenant's receipts after the request, read off this thread
    String tenant = entitlement.tenantId();
    long after = track.receipt().seq();
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> readAfter(tenant, after), blocking),
        (later, failure) -> new ChainRead(entitlement, track.receipt(), failure == null ? later : List.of()));
    return Behaviors.same();
  }

  private List<Receipt> readAfter(String tenantId, long afterSeq) {
    List<Receipt> all = new ArrayList<>();
    long from = afterSeq;
    List<Receipt> page;
    do {
      page = store.page(tenantId, from, PAGE);
      all.addAll(page);
      from = page.isEmpty() ? from : page.get(page.size() - 1).seq();
    } while (page.size() == PAGE);
    return all;
  }

  private Behavior<Command> start(OutboxJob job) {
    if (!job.facts().isEmpty()) {
      facts.put(job.entitlementId(), job.facts());
    }
    jobs.put(job.entitlementId(), job);
    return proceed(job);
  }

  /** The job's next step: a read or a call at Google, or nothing while it waits for someone. */
  private Behavior<Command> proceed(OutboxJob job) {
    if (job == null || jobs.get(job.entitlementId()) != job) {
      return Behaviors.same(); // ended meanwhile (Google's next event came first), or replaced
    }
    CompletionStage<Stepped> step = switch (job.step()) {
      case DECIDE -> calls.decide(job);
      case CALL -> calls.call(job);
      case HELD, AWAITING_ACCOUNT, DONE -> null;
    };
    if (step != null) {
      context.pipeToSelf(step, (stepped, failure) -> failure == null ? stepped
          : new Stepped(job.id(), job.failedRound(String.valueOf(failure)), null, true, null));
    }
    return updated();
  }

  private Behavior<Command> onStepped(Stepped stepped) {
    OutboxJob current = jobs.get(stepped.next().entitlementId());
    if (current == null || !current.id().equals(stepped.id())) {
      if (stepped.draft() != null) {
        // Google's next event ended the job before the call's answer came: the call is still recorded
        ledger.tell(new Ledger.Append(stepped.draft(), context.getSystem().ignoreRef()));
      }
      return Behaviors.same();
    }
    if (!stepped.next().facts().isEmpty()) {
      facts.put(stepped.next().entitlementId(), stepped.next().facts());
    }
    if (stepped.draft() == null) {
      return written(stepped.next(), stepped.retry());
    }
    if (approvesCreation(stepped)) {
      // Google's ENTITLEMENT_ACTIVE names no plan: the SKU goes on the entitlement before the decision to approve
      EntitlementEvent.Procurement resolve = new EntitlementEvent.Procurement(null,
          EntitlementTransitions.PLAN_RESOLVED, null, stepped.next().entitlementId(), stepped.next().sku(), null,
          stepped.next().tenantId());
      context.ask(Entitlements.Result.class, entitlements, LEDGER_TIMEOUT,
          replyTo -> new Entitlements.Apply(resolve, replyTo),
          (result, failure) -> new Resolved(stepped, failure == null
              && !(result instanceof Entitlements.Unavailable)));
      return Behaviors.same();
    }
    return write(stepped);
  }

  /** A decision (not a call's result) to approve a creation, on a SKU. */
  private static boolean approvesCreation(Stepped stepped) {
    return stepped.next().step() == Step.CALL && ProcurementDecision.APPROVE.equals(stepped.next().call())
        && !"call".equals(stepped.draft().stateFrom()) && stepped.next().sku() != null;
  }

  private Behavior<Command> onResolved(Resolved resolved) {
    Stepped stepped = resolved.stepped();
    if (!resolved.ok()) {
      return onWritten(new Written(stepped.id(), stepped.next(), stepped.retry(), false));
    }
    return write(stepped);
  }

  private Behavior<Command> write(Stepped stepped) {
    context.askWithStatus(Receipt.class, ledger, LEDGER_TIMEOUT,
        replyTo -> new Ledger.Append(stepped.draft(), replyTo),
        (receipt, failure) -> {
          if (stepped.replyTo() != null) {
            stepped.replyTo().tell(failure == null ? StatusReply.success(receipt)
                : StatusReply.error("ledger_unavailable"));
          }
          return new Written(stepped.id(), stepped.next(), stepped.retry(), failure == null);
        });
    return Behaviors.same();
  }

  private Behavior<Command> onWritten(Written written) {
    OutboxJob current = jobs.get(written.next().entitlementId());
    if (current == null || !current.id().equals(written.id())) {
      return Behaviors.same();
    }
    if (!written.ok()) {
      // the step is not durable: it is done again after a backoff (a repeated call is harmless); an operator's
      // settlement that was not written leaves the job held, as the ledger says it is
      context.getLog().warn("procurement step of {} not recorded; retried later", written.id());
      return current.reason() != null && current.reason().equals("settling")
          ? written(current.next(Step.HELD, null, current.plan(), current.sku(), "settlement not recorded",
              current.since()), false)
          : written(current.failedRound("ledger_unavailable"), true);
    }
    return written(written.next(), written.retry());
  }

  private Behavior<Command> written(OutboxJob next, boolean retry) {
    if (next.step() == Step.DONE) {
      jobs.remove(next.entitlementId());
      return updated();
    }
    jobs.put(next.entitlementId(), next);
    if (retry) {
      long delay = settings.retryDelayMillis(next.rounds(), ThreadLocalRandom.current().nextDouble());
      timers.startSingleTimer(next.entitlementId(), new Retry(next.entitlementId()), Duration.ofMillis(delay));
      return updated();
    }
    return proceed(next);
  }

  private Behavior<Command> onAccountApproved(AccountApproved approved) {
    List<OutboxJob> waiting = jobs.values().stream()
        .filter(j -> j.step() == Step.AWAITING_ACCOUNT && approved.accountId().equals(j.accountId())).toList();
    long now = System.currentTimeMillis();
    waiting.forEach(job -> start(job.next(Step.DECIDE, null, job.plan(), job.sku(), "account approved", now)));
    return Behaviors.same();
  }

  private Behavior<Command> onSettle(Settle settle) {
    OutboxJob job = jobs.get(settle.entitlementId());
    if (job == null || job.step() != Step.HELD && job.step() != Step.AWAITING_ACCOUNT) {
      settle.replyTo().tell(StatusReply.error("not_held"));
      return Behaviors.same();
    }
    OutboxJob next = ProcurementDecision.settle(job, settle.approve(), settle.operator(), settle.sku(),
        System.currentTimeMillis());
    // while the decision is being written the job is no longer held: a second settlement is refused
    OutboxJob settling = job.next(Step.CALL, next.call(), next.plan(), next.sku(), "settling", job.since());
    jobs.put(job.entitlementId(), settling);
    Receipt draft = ProcurementReceipts.step(job, next, next.call(), next.reason(), null, Map.of("outcome",
        "decided"));
    return onStepped(new Stepped(settling.id(), next, draft, false, settle.replyTo()));
  }

  private Behavior<Command> onDescribe(Describe describe) {
    long now = System.currentTimeMillis();
    List<EntitlementView> views = describe.entitlements().stream().map(e -> {
      OutboxJob job = jobs.get(e.entitlementId());
      EntitlementView.PendingApproval pending = job == null ? null : new EntitlementView.PendingApproval(
          job.step().wireName(), job.call(), job.plan(), job.sku(), job.reason(), job.since(), job.rounds(),
          job.lastError(), job.stuck(now, settings.stuckAfter().toMillis()));
      Map<String, String> google = facts.get(e.entitlementId());
      return new EntitlementView(e, google, pending);
    }).toList();
    describe.replyTo().tell(views);
    return Behaviors.same();
  }

  private Behavior<Command> updated() {
    metrics.update(jobs.values(), System.currentTimeMillis(), settings.stuckAfter().toMillis());
    return Behaviors.same();
  }
}
