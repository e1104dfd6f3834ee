package tai.autonomics.entitlement;

import java.time.Duration;
import java.util.List;
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
import tai.autonomics.entitlement.ProcurementCalls.Stepped;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.procurement.ProcurementClient;

/**
 * The durable outbox of Marketplace decisions and sign-ups, a child of {@link Entitlements} (in cluster mode inside
 * its singleton: one node drains it). No storage of its own: a job is an entitlement waiting for Google (or a
 * sign-up, {@link OutboxSignUps}), each step of it a {@code procurement_call} receipt in the tenant's chain written
 * before the next; at start every job resumes where its latest receipt left it ({@link ProcurementReceipts#restore}),
 * on RocksDB and PostgreSQL alike. A call follows its durable decision, so after a crash it may be made twice:
 * Google's approve of an approved entitlement or account changes nothing. A call that failed every attempt is made
 * again after a backoff; one Google refuses (a 4xx other than 429) is recorded, not repeated. Lifecycle: stopped and
 * spawned again with its parent.
 */
final class ProcurementOutbox {

  interface Command {}

  /** The entitlement's committed state: a job starts when it waits for Google, ends when it no longer does. */
  record Track(Entitlement entitlement, Receipt receipt, boolean fromLedger) implements Command {}

  /** The account was approved (Google's ACCOUNT_ACTIVE): its jobs waiting for it decide again. */
  record AccountApproved(String accountId) implements Command {}

  record Settle(String entitlementId, boolean approve, String operator, String sku,
      ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  record Describe(String tenantId, List<Entitlement> entitlements, ActorRef<MarketplaceCommand.Overview> replyTo)
      implements Command {}

  /** Where a job of the ledger stood, read from the tenant's chain at start. */
  private record ChainRead(OutboxJob job) implements Command {}

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

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<Ledger.Command> ledger;
  private final ActorRef<Entitlements.Command> entitlements;
  private final ReceiptStore store;
  private final MarketplaceSettings settings;
  private final Executor blocking;
  private final ProcurementCalls calls;
  /** At most one job per entitlement, one step of it in flight at a time. */
  private final OutboxBook jobs;
  private final OutboxSignUps signUps;

  private ProcurementOutbox(ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<Ledger.Command> ledger, ActorRef<Entitlements.Command> entitlements, ReceiptStore store,
      ProcurementClient client, MarketplaceSettings settings, OutboxMetrics metrics) {
    this.context = context;
    this.timers = timers;
    this.ledger = ledger;
    this.entitlements = entitlements;
    this.store = store;
    this.settings = settings;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.calls = new ProcurementCalls(client, settings, metrics);
    this.jobs = new OutboxBook(metrics, settings.stuckAfter().toMillis());
    this.signUps = new OutboxSignUps(context, ledger, jobs, settings.outboxCapacity(), this::start);
  }

  // drains the jobs; every message is answered at once, Google's and the ledger's answers come back as messages
  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Track.class, this::onTrack)
        .onMessage(ChainRead.class, read -> jobs.claim(read.job()) ? start(read.job()) : Behaviors.same())
        .onMessage(AccountApproved.class, this::onAccountApproved)
        .onMessage(OutboxSignUps.SignUp.class, signUps::onSignUp)
        .onMessage(OutboxSignUps.Linked.class, signUps::onLinked)
        .onMessage(Settle.class, this::onSettle)
        .onMessage(Describe.class, jobs::describe)
        .onMessage(Stepped.class, this::onStepped)
        .onMessage(Resolved.class, this::onResolved)
        .onMessage(Written.class, this::onWritten)
        .onMessage(Retry.class, retry -> proceed(jobs.get(retry.id())))
        .onSignal(PostStop.class, stop -> jobs.closed())
        .build();
  }

  private Behavior<Command> onTrack(Track track) {
    Entitlement entitlement = track.entitlement();
    String id = entitlement.entitlementId();
    if (!EntitlementBook.awaitsGoogle(entitlement)) {
      jobs.remove(id);
      timers.cancel(id);
      return Behaviors.same();
    }
    if (jobs.get(id) != null) {
      return Behaviors.same();
    }
    if (!track.fromLedger()) {
      return start(OutboxJob.decide(id, entitlement, System.currentTimeMillis()));
    }
    // where the job stood: the tenant's receipts after the request, read off this thread
    jobs.restoring(id);
    long after = track.receipt().seq();
    context.pipeToSelf(CompletableFuture.supplyAsync(
        () -> ProcurementReceipts.after(store, entitlement.tenantId(), id, after), blocking),
        (later, failure) -> new ChainRead(ProcurementReceipts.restore(entitlement, track.receipt(),
            failure == null ? later : List.of())));
    return Behaviors.same();
  }

  private Behavior<Command> start(OutboxJob job) {
    jobs.put(job);
    return proceed(job);
  }

  /** The job's next step: a read or a call at Google, or nothing while it waits for someone. */
  private Behavior<Command> proceed(OutboxJob job) {
    if (job == null || jobs.get(job.id()) != job) {
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
    return Behaviors.same();
  }

  private Behavior<Command> onStepped(Stepped stepped) {
    if (!jobs.current(stepped.id(), stepped.next())) {
      if (stepped.draft() != null) {
        // Google's next event ended the job before the call's answer came: the call is still recorded
        ledger.tell(new Ledger.Append(stepped.draft(), context.getSystem().ignoreRef()));
      }
      return Behaviors.same();
    }
    jobs.remember(stepped.next());
    if (stepped.draft() == null) {
      return written(stepped.next(), stepped.retry());
    }
    if (ProcurementDecision.approvesCreation(stepped)) {
      // Google's ENTITLEMENT_ACTIVE names no plan: the SKU goes on the entitlement before the decision to approve
      context.ask(Entitlements.Result.class, entitlements, LEDGER_TIMEOUT,
          replyTo -> new Entitlements.Apply(ProcurementDecision.resolved(stepped.next()), replyTo),
          (result, failure) -> new Resolved(stepped, failure == null && !(result instanceof Entitlements.Unavailable)));
      return Behaviors.same();
    }
    return write(stepped);
  }

  private Behavior<Command> onResolved(Resolved resolved) {
    Stepped stepped = resolved.stepped();
    return resolved.ok() ? write(stepped)
        : onWritten(new Written(stepped.id(), stepped.next(), stepped.retry(), false));
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
    OutboxJob current = jobs.get(written.next().id());
    if (!jobs.current(written.id(), written.next())) {
      return Behaviors.same();
    }
    if (!written.ok()) {
      // the step is not durable: it is done again after a backoff (a repeated call is harmless); an operator's
      // settlement that was not written leaves the job held, as the ledger says it is
      context.getLog().warn("procurement step of {} not recorded; retried later", written.id());
      return OutboxBook.SETTLING.equals(current.reason())
          ? written(current.next(Step.HELD, null, current.plan(), current.sku(), "settlement not recorded",
              current.since()), false)
          : written(current.failedRound("ledger_unavailable"), true);
    }
    return written(written.next(), written.retry());
  }

  private Behavior<Command> written(OutboxJob next, boolean retry) {
    if (next.step() == Step.DONE) {
      jobs.remove(next.id());
      return next.isSignUp() && signUps.closed(next)
          ? onAccountApproved(new AccountApproved(next.accountId())) : Behaviors.same();
    }
    jobs.put(next);
    if (retry) {
      long delay = settings.retryDelayMillis(next.rounds(), ThreadLocalRandom.current().nextDouble());
      timers.startSingleTimer(next.id(), new Retry(next.id()), Duration.ofMillis(delay));
      return Behaviors.same();
    }
    return proceed(next);
  }

  private Behavior<Command> onAccountApproved(AccountApproved approved) {
    jobs.awaitingAccount(approved.accountId()).forEach(job ->
        start(job.next(Step.DECIDE, null, job.plan(), job.sku(), "account approved", System.currentTimeMillis())));
    return Behaviors.same();
  }

  private Behavior<Command> onSettle(Settle settle) {
    Stepped decision = jobs.settle(settle);
    if (decision == null) {
      settle.replyTo().tell(StatusReply.error("not_held"));
      return Behaviors.same();
    }
    return onStepped(decision);
  }
}
