package tai.autonomics.ledger;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
 * flight are written together as the next batch, synced once, and only then answered, so an answer means the receipt
 * is durable. Unsynced writes, and those of a store that never blocks, run on the Ledger's own thread; synced ones on
 * {@code autonomics.ledger.io-dispatcher}, one at a time. A draft whose messageId is stored is answered with the
 * original (and {@link AppendOrFind} says that it was). A failed write answers every waiting appender with an error
 * and restarts the actor, which reloads seq and heads from the store; a restart first waits for the write in flight,
 * so two incarnations never write at once. In cluster mode every node's Ledger writes to one shared store, which
 * re-links receipts sealed on a stale seq or head ({@link ReceiptStore#commit}).
 */
public final class Ledger extends AbstractBehavior<Ledger.Command> {
  public sealed interface Command extends CborSerializable
      permits Append, AppendOrFind, AppendBatch, Record, GetHead, BatchWritten, BatchFailed, WriteInline {}

  /** Append one draft; the reply carries the sealed receipt once it is durable (or the original on a duplicate). */
  public record Append(Receipt draft, ActorRef<StatusReply<Receipt>> replyTo) implements Command {}

  /** An {@link Append} told whether it wrote, or found its {@link MessageKey} stored (here or by another node). */
  public record AppendOrFind(Receipt draft, ActorRef<StatusReply<Appended>> replyTo) implements Command {}

  /** {@code written} false: {@code receipt} is the original stored under the draft's key, nothing was written. */
  public record Appended(Receipt receipt, boolean written) implements CborSerializable {}

  /** Append several drafts as one unit: all in the same group commit, answered together. */
  public record AppendBatch(List<Receipt> drafts, ActorRef<StatusReply<List<Receipt>>> replyTo)
      implements Command {
    public AppendBatch {
      drafts = List.copyOf(drafts);
    }
  }

  /**
   * Append several drafts as one unit, like {@link AppendBatch}, for a writer that never waits for its receipts (the
   * executor's workers): only a failure is told, to {@code failures}; a success answer would only wake them.
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
  public record Head(String tenantId, ReceiptStore.TenantHead head, Receipt last) implements CborSerializable {}

  /** {@code stored}: as the store holds them ({@link ReceiptStore#commit}); {@code writer}: the incarnation. */
  private record BatchWritten(List<Waiter> batch, List<Receipt> stored, Ledger writer)
      implements Command, ControlMessage {}

  private record BatchFailed(List<Waiter> batch, Throwable cause, Ledger writer)
      implements Command, ControlMessage {}

  /** An inline write waits for this to reach the front of the mailbox, so the appends queued meanwhile join it. */
  private enum WriteInline implements Command { INSTANCE }

  public static Behavior<Command> create(ReceiptStore store, LedgerSettings settings) {
    return Behaviors.setup(context -> new Ledger(context, store, settings));
  }

  private final ReceiptStore store;
  private final LedgerSettings settings;
  private final Executor io;
  /** Commits on the Ledger's own thread: unsynced ones, and those of a store that never waits (memory). */
  private final boolean inlineWrites;
  private final PendingAppends pending;
  private CompletableFuture<List<Receipt>> inFlight;
  private boolean inlineWriteDue;

  private Ledger(ActorContext<Command> context, ReceiptStore store, LedgerSettings settings) {
    super(context);
    this.store = store;
    this.settings = settings;
    this.io = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("autonomics.ledger.io-dispatcher"));
    this.pending = new PendingAppends(store);
    this.inlineWrites = !settings.durable() || !store.mayBlock();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(AppendOrFind.class, this::onAppendOrFind)
        .onMessage(AppendBatch.class, this::onAppendBatch)
        .onMessage(Record.class, this::onRecord)
        .onMessage(GetHead.class, this::onGetHead)
        .onMessage(BatchWritten.class, this::onBatchWritten)
        .onMessage(BatchFailed.class, this::onBatchFailed)
        .onMessage(WriteInline.class, this::onWriteInline)
        .onSignal(PreRestart.class, signal -> onStopping())
        .onSignal(PostStop.class, signal -> onStopping())
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    return enqueueAll(List.of(append.draft()), LedgerReply.answering(append.replyTo(), 1, (done, own) -> done.get(0)));
  }

  private Behavior<Command> onAppendOrFind(AppendOrFind append) {
    return enqueueAll(List.of(append.draft()), LedgerReply.answering(append.replyTo(), 1,
        (done, written) -> new Appended(done.get(0), written)));
  }

  private Behavior<Command> onAppendBatch(AppendBatch append) {
    if (append.drafts().isEmpty()) {
      append.replyTo().tell(StatusReply.success(List.of()));
      return this;
    }
    return enqueueAll(append.drafts(), LedgerReply.answering(append.replyTo(), append.drafts().size(),
        (done, written) -> done));
  }

  private Behavior<Command> onRecord(Record record) {
    return enqueueAll(record.drafts(), LedgerReply.failuresOnly(record.failures(), record.drafts().size()));
  }

  /** Drafts that are written whole or not at all: refused together (overloaded, invalid) before any is sealed. */
  private Behavior<Command> enqueueAll(List<Receipt> drafts, LedgerReply reply) {
    String refusal = pending.size() + drafts.size() > settings.maxPending() ? "overloaded"
        : drafts.stream().map(ReceiptHasher::problemOf).filter(Objects::nonNull).findFirst()
            .map(problem -> "invalid_receipt: " + problem).orElse(null);
    if (refusal != null) {
      reply.failed(refusal);
      return this;
    }
    for (int i = 0; i < drafts.size(); i++) {
      pending.enqueue(drafts.get(i), i, reply);
    }
    return flushIfIdle();
  }

  private Behavior<Command> onGetHead(GetHead get) {
    ReceiptStore.TenantHead head = pending.currentHead(get.tenantId()).orElse(null);
    get.replyTo().tell(new Head(get.tenantId(), head, head == null ? null : pending.lastStored(head)));
    return this;
  }

  private Behavior<Command> flushIfIdle() {
    if (inFlight != null || pending.size() == 0) {
      return this;
    }
    if (inlineWrites && !inlineWriteDue) {
      inlineWriteDue = true;
      getContext().getSelf().tell(WriteInline.INSTANCE);
    }
    return inlineWrites ? this : writeNextBatch();
  }

  private Behavior<Command> onWriteInline(WriteInline write) {
    inlineWriteDue = false;
    return pending.size() == 0 ? this : writeNextBatch();
  }

  private Behavior<Command> writeNextBatch() {
    List<Waiter> batch = pending.takeBatch(settings.maxBatch());
    // duplicates wait for a receipt written by someone else
    List<Receipt> toWrite = batch.stream().filter(Waiter::write).map(Waiter::receipt).toList();
    if (toWrite.isEmpty()) {
      // only duplicates of receipts made durable by the write that just finished
      return onBatchWritten(new BatchWritten(batch, List.of(), this));
    }
    if (inlineWrites) {
      // an unsynced write takes microseconds: cheaper here than a thread hop
      List<Receipt> stored;
      try {
        stored = store.commit(toWrite, settings.durable());
      } catch (RuntimeException e) {
        return onBatchFailed(new BatchFailed(batch, e, this));
      }
      return onBatchWritten(new BatchWritten(batch, stored, this));
    }
    inFlight = CompletableFuture.supplyAsync(() -> store.commit(toWrite, true), io);
    // told, not piped: as a ControlMessage it overtakes the appends queued meanwhile (autonomics.ledger.mailbox), so
    // the next commit starts with those sealed so far while the Ledger seals the rest, not after all of them
    ActorRef<Command> self = getContext().getSelf();
    Ledger writer = this;
    inFlight.whenComplete((stored, failure) -> self.tell(failure == null
        ? new BatchWritten(batch, stored, writer) : new BatchFailed(batch, failure, writer)));
    return this;
  }

  private Behavior<Command> onBatchWritten(BatchWritten written) {
    // one written by the incarnation before a restart is durable, so answered, but none of this one's state
    boolean ours = written.writer() == this;
    pending.committed(written.batch(), written.stored(), ours);
    if (!ours) {
      return this;
    }
    inFlight = null;
    return flushIfIdle();
  }

  private Behavior<Command> onBatchFailed(BatchFailed failed) {
    failed.batch().forEach(waiter -> waiter.reply().failed("ledger_unavailable"));
    if (failed.writer() != this) {
      return this;
    }
    inFlight = null;
    getContext().getLog().error("ledger write of {} receipts failed; failing {} waiting appends and restarting",
        failed.batch().size(), failed.batch().size() + pending.size(), failed.cause());
    // supervision restarts the ledger from what the store really holds
    throw new ReceiptStoreException("ledger write failed", failed.cause());
  }

  /**
   * Before a restart or stop: wait for the write in flight, so the next incarnation reads seq and heads after it
   * landed (its answers still go out through the mailbox). Appends not yet written are refused.
   */
  private Behavior<Command> onStopping() {
    if (inFlight != null) {
      try {
        // bounded: a write that hangs for good must not keep the ledger from restarting
        inFlight.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        getContext().getLog().warn("ledger write in flight did not finish cleanly before the ledger stopped", e);
      }
    }
    pending.failAll("ledger_unavailable");
    return this;
  }
}
