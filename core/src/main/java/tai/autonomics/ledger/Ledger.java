package tai.autonomics.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.PendingAppends.Waiter;

/**
 * The single writer of the receipt ledger. It gives each draft its gap-free {@code seq}, links it to the tenant's
 * previous receipt and hashes it, then writes it with group commit: appends that arrive while a synced write is in
 * flight are collected and written together as the next batch, synced once, and only then is every appender
 * answered. An answer therefore means the receipt is durable. Under load (the last commit served several appends) a
 * commit starts no sooner than the commit interval after the one before it; a lone appender never waits: an fsync
 * costs as much CPU as dozens of receipts,
 * so fewer, fuller commits leave the CPU to the rest of the node. With durability off, batches are written at once.
 *
 * <p>A draft with a messageId already in the ledger is answered with the original receipt and not written again.
 *
 * <p>Synced writes run on {@code autonomics.ledger.io-dispatcher}, one at a time. A failed write answers every
 * waiting appender with an error and fails the actor; its supervisor restarts it, and the restart reloads seq and
 * heads from the store, so the chain continues from what is really on disk. A restart or stop first waits for the
 * write in flight (on the ledger's own thread), so two incarnations never write at once.
 *
 * <p>In cluster mode every node runs its own Ledger over one shared store, so the seq and head cached here can be
 * behind; the store re-links such receipts in its write transaction ({@link ReceiptStore#commit}), the answers carry
 * the receipts as stored, and a governor's boot ({@link GetHead}) reads the head from the store.
 */
public final class Ledger extends AbstractBehavior<Ledger.Command> {

  public sealed interface Command extends CborSerializable
      permits Append, AppendBatch, GetHead, BatchWritten, BatchFailed, WriteInline, CommitDue {}

  /** Append one draft; the reply carries the sealed receipt once it is durable (or the original on a duplicate). */
  public record Append(Receipt draft, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** Append several drafts as one unit: all in the same group commit, answered together. */
  public record AppendBatch(List<Receipt> drafts, ActorRef<StatusReply<List<Receipt>>> replyTo)
      implements Command {
    public AppendBatch {
      drafts = List.copyOf(drafts);
    }
  }

  /** Where the tenant's chain ends, counting receipts not yet committed. */
  public record GetHead(String tenantId, ActorRef<Head> replyTo) implements Command {}

  /** {@code head} is null for a tenant without receipts. */
  public record Head(String tenantId, ReceiptStore.TenantHead head) implements CborSerializable {}

  /**
   * {@code stored}: the written receipts as the store holds them, in order (see {@link ReceiptStore#commit});
   * {@code writer} tells whether the incarnation that started the write is still the one running.
   */
  private record BatchWritten(List<Waiter> batch, List<Receipt> stored, Object writer) implements Command {}

  private record BatchFailed(List<Waiter> batch, Throwable cause, Object writer) implements Command {}

  /**
   * Inline writes (no durability, or a memory store) happen when this reaches the front of the mailbox: every append
   * already queued behind the first one joins the same write, so a burst costs a few writes instead of one each.
   */
  private enum WriteInline implements Command { INSTANCE }

  /**
   * The commit interval has passed since the last synced commit started; {@code writer} as in BatchWritten,
   * {@code afterCommits} the number of commits started when the wait began.
   */
  private record CommitDue(Object writer, long afterCommits) implements Command {}

  /** How long a restart waits for the write in flight before it gives up on it. */
  private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(30);

  public static Behavior<Command> create(ReceiptStore store, LedgerSettings settings) {
    return Behaviors.setup(context -> new Ledger(context, store, settings));
  }

  private final ReceiptStore store;
  private final LedgerSettings settings;
  private final Executor io;
  /** Commits on the Ledger's own thread: unsynced ones, and those of a store that never waits (memory). */
  private final boolean inlineWrites;
  private final Object incarnation = new Object();
  private final Map<String, ReceiptStore.TenantHead> heads = new HashMap<>();
  /** Receipts sealed but not yet durable, by message id: a duplicate arriving meanwhile waits for the original. */
  private final Map<String, Receipt> uncommittedByMessageId = new HashMap<>();
  /** Receipts sealed but not yet durable, per tenant: a tenant absent here has its true head in the store. */
  private final Map<String, Integer> pendingByTenant = new HashMap<>();
  private final PendingAppends next = new PendingAppends();
  private CompletableFuture<List<Receipt>> inFlight;
  private boolean inlineWriteDue;
  private final CommitPacer pacer;
  private long lastSeq;

  private Ledger(ActorContext<Command> context, ReceiptStore store, LedgerSettings settings) {
    super(context);
    this.store = store;
    this.settings = settings;
    this.io = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("autonomics.ledger.io-dispatcher"));
    this.lastSeq = store.lastSeq();
    this.pacer = new CommitPacer(settings);
    this.inlineWrites = !settings.durable() || !store.mayBlock();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(AppendBatch.class, this::onAppendBatch)
        .onMessage(GetHead.class, this::onGetHead)
        .onMessage(BatchWritten.class, this::onBatchWritten)
        .onMessage(BatchFailed.class, this::onBatchFailed)
        .onMessage(WriteInline.class, this::onWriteInline)
        .onMessage(CommitDue.class, this::onCommitDue)
        .onSignal(PreRestart.class, signal -> onStopping())
        .onSignal(PostStop.class, signal -> onStopping())
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    if (next.size() >= settings.maxPending()) {
      append.replyTo().tell(StatusReply.error("overloaded"));
      return this;
    }
    String problem = ReceiptHasher.problemOf(append.draft());
    if (problem != null) {
      append.replyTo().tell(StatusReply.error("invalid_receipt: " + problem));
      return this;
    }
    enqueue(append.draft(), 0, LedgerReply.single(append.replyTo()));
    return flushIfIdle();
  }

  private Behavior<Command> onAppendBatch(AppendBatch append) {
    if (append.drafts().isEmpty()) {
      append.replyTo().tell(StatusReply.success(List.of()));
      return this;
    }
    if (next.size() + append.drafts().size() > settings.maxPending()) {
      append.replyTo().tell(StatusReply.error("overloaded"));
      return this;
    }
    for (Receipt draft : append.drafts()) {
      String problem = ReceiptHasher.problemOf(draft);
      if (problem != null) {
        // checked before any is sealed: a batch is written whole or not at all
        append.replyTo().tell(StatusReply.error("invalid_receipt: " + problem));
        return this;
      }
    }
    LedgerReply reply = LedgerReply.batch(append.replyTo(), append.drafts().size());
    for (int i = 0; i < append.drafts().size(); i++) {
      enqueue(append.drafts().get(i), i, reply);
    }
    return flushIfIdle();
  }

  private Behavior<Command> onGetHead(GetHead get) {
    String tenantId = get.tenantId();
    if (!pendingByTenant.containsKey(tenantId)) {
      // nothing of ours in flight: the store is the truth, and in cluster mode another node may have written since
      heads.remove(tenantId);
    }
    get.replyTo().tell(new Head(tenantId, headOf(tenantId).orElse(null)));
    return this;
  }

  private void enqueue(Receipt draft, int index, LedgerReply reply) {
    String messageId = draft.messageId();
    if (messageId != null) {
      Receipt pending = uncommittedByMessageId.get(messageId);
      if (pending != null) {
        // the original is not durable yet: answer the duplicate when it is
        next.add(new Waiter(pending, false, reply, index));
        return;
      }
      // almost every messageId is new, and the filters in memory say so without looking the key up
      Optional<Receipt> stored =
          store.mayContainMessageId(messageId) ? store.findByMessageId(messageId) : Optional.empty();
      if (stored.isPresent()) {
        reply.done(index, stored.get());
        return;
      }
    }
    Optional<ReceiptStore.TenantHead> head = headOf(draft.tenantId());
    Receipt sealed = ReceiptHasher.seal(draft, ++lastSeq,
        head.map(ReceiptStore.TenantHead::hash).orElse(Receipt.GENESIS_HASH));
    heads.put(sealed.tenantId(),
        head.map(h -> h.advancedBy(sealed)).orElseGet(() -> ReceiptStore.TenantHead.first(sealed)));
    if (messageId != null) {
      uncommittedByMessageId.put(messageId, sealed);
    }
    pendingByTenant.merge(sealed.tenantId(), 1, Integer::sum);
    next.add(new Waiter(sealed, true, reply, index));
  }

  private Optional<ReceiptStore.TenantHead> headOf(String tenantId) {
    ReceiptStore.TenantHead cached = heads.get(tenantId);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<ReceiptStore.TenantHead> stored = store.head(tenantId);
    stored.ifPresent(head -> heads.put(tenantId, head));
    return stored;
  }

  private Behavior<Command> flushIfIdle() {
    if (inFlight != null || next.isEmpty()) {
      return this;
    }
    if (inlineWrites) {
      if (!inlineWriteDue) {
        inlineWriteDue = true;
        getContext().getSelf().tell(WriteInline.INSTANCE);
      }
      return this;
    }
    long wait = pacer.waitNanos(next.size());
    if (wait > 0) {
      return pacer.waiting() ? this : commitLater(wait);
    }
    return writeNextBatch();
  }

  /**
   * Commits the waiting appends once the commit interval allows ({@link CommitPacer}). The wait is parked on the io
   * dispatcher: Pekko's scheduler ticks in milliseconds.
   */
  private Behavior<Command> commitLater(long waitNanos) {
    ActorRef<Command> self = getContext().getSelf();
    CommitDue due = new CommitDue(incarnation, pacer.waitBegun());
    io.execute(() -> {
      LockSupport.parkNanos(waitNanos);
      self.tell(due);
    });
    return this;
  }

  private Behavior<Command> onCommitDue(CommitDue due) {
    if (due.writer() != incarnation || !pacer.waitEnded(due.afterCommits())) {
      // a commit started before it was due (a full batch): this wait is over
      return this;
    }
    return flushIfIdle();
  }

  private Behavior<Command> onWriteInline(WriteInline write) {
    inlineWriteDue = false;
    return next.isEmpty() ? this : writeNextBatch();
  }

  private Behavior<Command> writeNextBatch() {
    List<Waiter> batch = next.takeBatch(settings.maxBatch());
    List<Receipt> toWrite = PendingAppends.toWrite(batch);
    if (toWrite.isEmpty()) {
      // only duplicates of receipts made durable by the write that just finished
      return onBatchWritten(new BatchWritten(batch, List.of(), incarnation));
    }
    if (inlineWrites) {
      // an unsynced RocksDB write is a few microseconds, a memory store's less: cheaper inline than a thread hop
      List<Receipt> stored;
      try {
        stored = store.commit(toWrite, settings.durable());
      } catch (RuntimeException e) {
        return onBatchFailed(new BatchFailed(batch, e, incarnation));
      }
      return onBatchWritten(new BatchWritten(batch, stored, incarnation));
    }
    pacer.commitStarted(PendingAppends.appendsIn(batch));
    inFlight = CompletableFuture.supplyAsync(() -> store.commit(toWrite, true), io);
    getContext().pipeToSelf(inFlight,
        (stored, failure) -> failure == null
            ? new BatchWritten(batch, stored, incarnation) : new BatchFailed(batch, failure, incarnation));
    return this;
  }

  private Behavior<Command> onBatchWritten(BatchWritten written) {
    List<Waiter> batch = written.batch();
    // the stored receipts come in the order of the waiters that wrote; duplicates (rare) have none of their own
    Receipt[] answers = new Receipt[batch.size()];
    boolean duplicates = false;
    int k = 0;
    for (int i = 0; i < answers.length; i++) {
      if (batch.get(i).write()) {
        answers[i] = written.stored().get(k++);
      } else {
        duplicates = true;
      }
    }
    Map<String, Receipt> storedBySealedId = duplicates ? new HashMap<>() : Map.of();
    for (int i = 0; duplicates && i < answers.length; i++) {
      if (answers[i] != null) {
        storedBySealedId.put(batch.get(i).receipt().id(), answers[i]);
      }
    }
    for (int i = 0; i < answers.length; i++) {
      Waiter waiter = batch.get(i);
      Receipt stored = answers[i] != null ? answers[i] : storedBySealedId.get(waiter.receipt().id());
      if (stored == null) {
        // a duplicate of a receipt committed in an earlier batch: answer with it as the store holds it
        stored = store.findByMessageId(waiter.receipt().messageId()).orElse(waiter.receipt());
      }
      waiter.reply().done(waiter.index(), stored);
    }
    if (written.writer() != incarnation) {
      // written by the incarnation before a restart: durable, so answered, but none of this one's state
      return this;
    }
    inFlight = null;
    Map<String, Receipt> movedTenants = null;
    for (int i = 0; i < answers.length; i++) {
      Receipt stored = answers[i];
      if (stored == null) {
        continue;
      }
      Receipt sealed = batch.get(i).receipt();
      pendingByTenant.computeIfPresent(sealed.tenantId(), (tenant, n) -> n > 1 ? n - 1 : null);
      if (stored != sealed && !stored.hash().equals(sealed.hash())) {
        if (movedTenants == null) {
          movedTenants = new HashMap<>();
        }
        movedTenants.put(sealed.tenantId(), stored.id().equals(sealed.id()) ? stored : null);
      }
      lastSeq = Math.max(lastSeq, stored.seq());
      if (sealed.messageId() != null) {
        uncommittedByMessageId.remove(sealed.messageId());
      }
    }
    if (movedTenants != null) {
      movedTenants.forEach(this::correctHead);
    }
    return flushIfIdle();
  }

  /**
   * The store re-linked the tenant's receipts (another ledger wrote to its chain: cluster mode). Receipts still
   * pending are re-linked when they are written; with none pending the cached head takes the stored one's place, or
   * is dropped (reloaded from the store on next use) when the store answered with an older duplicate.
   */
  private void correctHead(String tenantId, Receipt lastStored) {
    if (pendingByTenant.containsKey(tenantId)) {
      return;
    }
    ReceiptStore.TenantHead cached = heads.get(tenantId);
    if (lastStored == null || cached == null) {
      heads.remove(tenantId);
    } else {
      heads.put(tenantId, cached.at(lastStored.seq(), lastStored.hash()));
    }
  }

  private Behavior<Command> onBatchFailed(BatchFailed failed) {
    failed.batch().forEach(waiter -> waiter.reply().failed("ledger_unavailable"));
    if (failed.writer() != incarnation) {
      return this;
    }
    inFlight = null;
    getContext().getLog().error("ledger write of {} receipts failed; failing {} waiting appends and restarting",
        failed.batch().size(), failed.batch().size() + next.size(), failed.cause());
    throw new LedgerWriteException(failed.cause());
  }

  /**
   * Before a restart or stop: wait for the write in flight, so the next incarnation reads seq and heads after it
   * landed and the store is not closed under it; its result still reaches the appenders through the mailbox.
   * Appends not yet written are refused: their seqs are given out again by the next incarnation.
   */
  private Behavior<Command> onStopping() {
    if (inFlight != null) {
      try {
        inFlight.get(IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        getContext().getLog().warn("ledger write in flight did not finish cleanly before the ledger stopped", e);
      }
    }
    next.failAll("ledger_unavailable");
    return this;
  }

  /** Thrown to let supervision restart the ledger from what the store really holds. */
  public static final class LedgerWriteException extends RuntimeException {
    LedgerWriteException(Throwable cause) {
      super("ledger write failed", cause);
    }
  }
}
