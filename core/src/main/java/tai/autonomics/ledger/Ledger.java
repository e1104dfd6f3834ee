package tai.autonomics.ledger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.apache.pekko.dispatch.ControlMessage;
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
      permits Append, AppendBatch, Record, GetHead, BatchWritten, BatchFailed, WriteInline, CommitDue {}

  /** Append one draft; the reply carries the sealed receipt once it is durable (or the original on a duplicate). */
  public record Append(Receipt draft, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** Append several drafts as one unit: all in the same group commit, answered together. */
  public record AppendBatch(List<Receipt> drafts, ActorRef<StatusReply<List<Receipt>>> replyTo)
      implements Command {
    public AppendBatch {
      drafts = List.copyOf(drafts);
    }
  }

  /**
   * Append several drafts as one unit, like {@link AppendBatch}, for a writer that never waits for its receipts (the
   * executor's workers): nothing is answered once they are durable, only a failure is told to {@code failures}. Each
   * success answer would be one more message, and one more wake-up, for a thread on the action's path.
   */
  public record Record(List<Receipt> drafts, ActorRef<NotRecorded> failures) implements Command {
    public Record {
      drafts = List.copyOf(drafts);
    }
  }

  /** The drafts of a {@link Record} were not written, and why ({@code overloaded}, {@code ledger_unavailable}, ...). */
  public record NotRecorded(String reason) implements CborSerializable {}

  /** Where the tenant's chain ends, counting receipts not yet committed. */
  public record GetHead(String tenantId, ActorRef<Head> replyTo) implements Command {}

  /** {@code head} is null for a tenant without receipts. */
  public record Head(String tenantId, ReceiptStore.TenantHead head) implements CborSerializable {}

  /**
   * {@code stored}: the written receipts as the store holds them, in order (see {@link ReceiptStore#commit});
   * {@code writer} tells whether the incarnation that started the write is still the one running.
   */
  private record BatchWritten(List<Waiter> batch, List<Receipt> stored, Object writer)
      implements Command, ControlMessage {}

  private record BatchFailed(List<Waiter> batch, Throwable cause, Object writer)
      implements Command, ControlMessage {}

  /**
   * Inline writes (no durability, or a memory store) happen when this reaches the front of the mailbox: every append
   * already queued behind the first one joins the same write, so a burst costs a few writes instead of one each.
   */
  private enum WriteInline implements Command { INSTANCE }

  /**
   * The commit interval has passed since the last synced commit started; {@code writer} as in BatchWritten,
   * {@code afterCommits} the number of commits started when the wait began.
   */
  private record CommitDue(Object writer, long afterCommits) implements Command, ControlMessage {}

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
  private final ChainState chains;
  private final PendingAppends pending = new PendingAppends();
  private final CommitPacer pacer;
  private CompletableFuture<List<Receipt>> inFlight;
  private boolean inlineWriteDue;

  private Ledger(ActorContext<Command> context, ReceiptStore store, LedgerSettings settings) {
    super(context);
    this.store = store;
    this.settings = settings;
    this.io = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("autonomics.ledger.io-dispatcher"));
    this.chains = new ChainState(store);
    this.pacer = new CommitPacer(settings);
    this.inlineWrites = !settings.durable() || !store.mayBlock();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(AppendBatch.class, this::onAppendBatch)
        .onMessage(Record.class, this::onRecord)
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
    if (pending.size() >= settings.maxPending()) {
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
    return enqueueAll(append.drafts(), LedgerReply.batch(append.replyTo(), append.drafts().size()));
  }

  private Behavior<Command> onRecord(Record record) {
    if (record.drafts().isEmpty()) {
      return this;
    }
    return enqueueAll(record.drafts(), LedgerReply.failuresOnly(record.failures(), record.drafts().size()));
  }

  /** Drafts that are written whole or not at all: refused together (overloaded, invalid), else all enqueued. */
  private Behavior<Command> enqueueAll(List<Receipt> drafts, LedgerReply reply) {
    if (pending.size() + drafts.size() > settings.maxPending()) {
      reply.failed("overloaded");
      return this;
    }
    for (Receipt draft : drafts) {
      String problem = ReceiptHasher.problemOf(draft);
      if (problem != null) {
        // checked before any is sealed: a batch is written whole or not at all
        reply.failed("invalid_receipt: " + problem);
        return this;
      }
    }
    for (int i = 0; i < drafts.size(); i++) {
      enqueue(drafts.get(i), i, reply);
    }
    return flushIfIdle();
  }

  private Behavior<Command> onGetHead(GetHead get) {
    get.replyTo().tell(new Head(get.tenantId(), chains.currentHead(get.tenantId()).orElse(null)));
    return this;
  }

  private void enqueue(Receipt draft, int index, LedgerReply reply) {
    String messageId = draft.messageId();
    if (messageId != null) {
      Receipt original = chains.uncommitted(messageId);
      if (original != null) {
        // the original is not durable yet: answer the duplicate when it is
        pending.add(new Waiter(original, false, reply, index));
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
    pending.add(new Waiter(chains.seal(draft), true, reply, index));
  }

  private Behavior<Command> flushIfIdle() {
    if (inFlight != null || pending.isEmpty()) {
      return this;
    }
    if (inlineWrites) {
      if (!inlineWriteDue) {
        inlineWriteDue = true;
        getContext().getSelf().tell(WriteInline.INSTANCE);
      }
      return this;
    }
    long wait = pacer.waitNanos(pending.size(), pending.anyAwaited());
    if (wait > 0) {
      long due = System.nanoTime() + wait;
      return pacer.waitingNoLaterThan(due) ? this : commitLater(wait, due);
    }
    return writeNextBatch();
  }

  /**
   * Commits the waiting appends once the commit interval allows ({@link CommitPacer}). The wait is parked on the io
   * dispatcher: Pekko's scheduler ticks in milliseconds.
   */
  private Behavior<Command> commitLater(long waitNanos, long dueNanos) {
    ActorRef<Command> self = getContext().getSelf();
    CommitDue due = new CommitDue(incarnation, pacer.waitBegun(dueNanos));
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
    return pending.isEmpty() ? this : writeNextBatch();
  }

  private Behavior<Command> writeNextBatch() {
    List<Waiter> batch = pending.takeBatch(settings.maxBatch());
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
    pacer.commitStarted(PendingAppends.appendsIn(batch), batch.size());
    inFlight = CompletableFuture.supplyAsync(() -> store.commit(toWrite, true), io);
    // told, not piped (pipeToSelf wraps it): as a ControlMessage it overtakes the appends queued meanwhile in the
    // control-aware mailbox (autonomics.ledger.mailbox), so the next commit starts with those sealed so far while
    // the Ledger seals the rest, instead of after all of them
    ActorRef<Command> self = getContext().getSelf();
    Object writer = incarnation;
    inFlight.whenComplete((stored, failure) -> self.tell(failure == null
        ? new BatchWritten(batch, stored, writer) : new BatchFailed(batch, unwrapped(failure), writer)));
    return this;
  }

  private Behavior<Command> onBatchWritten(BatchWritten written) {
    Receipt[] stored = BatchAnswers.answer(written.batch(), written.stored(), store);
    if (written.writer() != incarnation) {
      // written by the incarnation before a restart: durable, so answered, but none of this one's state
      return this;
    }
    inFlight = null;
    chains.committed(written.batch(), stored);
    pacer.commitEnded(pending.size());
    return flushIfIdle();
  }

  /** The store's own exception: a stage completed by supplyAsync wraps it in a CompletionException. */
  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private Behavior<Command> onBatchFailed(BatchFailed failed) {
    failed.batch().forEach(waiter -> waiter.reply().failed("ledger_unavailable"));
    if (failed.writer() != incarnation) {
      return this;
    }
    inFlight = null;
    getContext().getLog().error("ledger write of {} receipts failed; failing {} waiting appends and restarting",
        failed.batch().size(), failed.batch().size() + pending.size(), failed.cause());
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
    pending.failAll("ledger_unavailable");
    return this;
  }

  /** Thrown to let supervision restart the ledger from what the store really holds. */
  public static final class LedgerWriteException extends RuntimeException {
    LedgerWriteException(Throwable cause) {
      super("ledger write failed", cause);
    }
  }
}
