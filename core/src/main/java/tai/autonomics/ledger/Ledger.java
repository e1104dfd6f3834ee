package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;

/**
 * The single writer of the receipt ledger. It gives each draft its gap-free {@code seq}, links it to the tenant's
 * previous receipt and hashes it, then writes it with group commit: appends that arrive while a synced write is in
 * flight are collected and written together as the next batch, synced once, and only then is every appender
 * answered. An answer therefore means the receipt is durable. With durability off, batches are written at once.
 *
 * <p>Store writes run on the {@code autonomics.ledger.io-dispatcher}, never on the actor's own thread when synced.
 * A failed write answers every waiting appender with an error and then fails the actor, whose supervisor restarts
 * it; the restart reloads seq and heads from the store, so the chain continues from what is really on disk.
 *
 * <p>In cluster mode every node runs its own Ledger over one shared store, so the seq and head cached here can be
 * behind; the store re-links such receipts in its write transaction ({@link ReceiptStore#commit}), the answers carry
 * the receipts as stored, and a governor's boot ({@link GetHead}) reads the head from the store.
 */
public final class Ledger extends AbstractBehavior<Ledger.Command> {

  public sealed interface Command extends CborSerializable
      permits Append, AppendBatch, GetHead, BatchWritten, BatchFailed {}

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

  /** {@code stored}: the written receipts as the store holds them, in order (see {@link ReceiptStore#commit}). */
  private record BatchWritten(List<Waiter> batch, List<Receipt> stored) implements Command {}

  private record BatchFailed(List<Waiter> batch, Throwable cause) implements Command {}

  /** One sealed receipt waiting for its commit, and whom to tell; {@code write} is false for duplicates. */
  private record Waiter(Receipt receipt, boolean write, Reply reply, int index) {}

  /** Replies are counted down so a batch append is answered once, when all its receipts are durable. */
  private static final class Reply {
    private final ActorRef<StatusReply<Receipt>> single;
    private final ActorRef<StatusReply<List<Receipt>>> many;
    private final Receipt[] results;
    private int missing;

    Reply(ActorRef<StatusReply<Receipt>> single) {
      this.single = single;
      this.many = null;
      this.results = null;
      this.missing = 1;
    }

    Reply(ActorRef<StatusReply<List<Receipt>>> many, int size) {
      this.single = null;
      this.many = many;
      this.results = new Receipt[size];
      this.missing = size;
    }

    void done(int index, Receipt receipt) {
      if (single != null) {
        single.tell(StatusReply.success(receipt));
        return;
      }
      results[index] = receipt;
      if (--missing == 0) {
        many.tell(StatusReply.success(List.of(results)));
      }
    }

    void failed(String reason) {
      if (missing <= 0) {
        return;
      }
      missing = 0;
      if (single != null) {
        single.tell(StatusReply.error(reason));
      } else {
        many.tell(StatusReply.error(reason));
      }
    }
  }

  public static Behavior<Command> create(ReceiptStore store, LedgerSettings settings) {
    return Behaviors.setup(context -> new Ledger(context, store, settings));
  }

  private final ReceiptStore store;
  private final LedgerSettings settings;
  private final Executor io;
  private final Map<String, ReceiptStore.TenantHead> heads = new HashMap<>();
  /** Receipts sealed but not yet durable, per tenant: a tenant absent here has its true head in the store. */
  private final Map<String, Integer> pendingByTenant = new HashMap<>();
  /** Receipts sealed but not yet durable, by message id: a duplicate arriving meanwhile waits for the original. */
  private final Map<String, Receipt> uncommittedByMessageId = new HashMap<>();
  private List<Waiter> next = new ArrayList<>();
  private boolean writing;
  private long lastSeq;

  private Ledger(ActorContext<Command> context, ReceiptStore store, LedgerSettings settings) {
    super(context);
    this.store = store;
    this.settings = settings;
    this.io = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("autonomics.ledger.io-dispatcher"));
    this.lastSeq = store.lastSeq();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(AppendBatch.class, this::onAppendBatch)
        .onMessage(GetHead.class, this::onGetHead)
        .onMessage(BatchWritten.class, this::onBatchWritten)
        .onMessage(BatchFailed.class, this::onBatchFailed)
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    if (next.size() >= settings.maxPending()) {
      append.replyTo().tell(StatusReply.error("overloaded"));
      return this;
    }
    enqueue(append.draft(), 0, new Reply(append.replyTo()));
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
    Reply reply = new Reply(append.replyTo(), append.drafts().size());
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

  private void enqueue(Receipt draft, int index, Reply reply) {
    Receipt duplicateOf = duplicateOf(draft);
    if (duplicateOf != null) {
      next.add(new Waiter(duplicateOf, false, reply, index));
      return;
    }
    Optional<ReceiptStore.TenantHead> head = headOf(draft.tenantId());
    Receipt sealed = ReceiptHasher.seal(draft, ++lastSeq,
        head.map(ReceiptStore.TenantHead::hash).orElse(Receipt.GENESIS_HASH));
    heads.put(sealed.tenantId(),
        head.map(h -> h.advancedBy(sealed)).orElseGet(() -> ReceiptStore.TenantHead.first(sealed)));
    if (sealed.messageId() != null) {
      uncommittedByMessageId.put(sealed.messageId(), sealed);
    }
    pendingByTenant.merge(sealed.tenantId(), 1, Integer::sum);
    next.add(new Waiter(sealed, true, reply, index));
  }

  private Receipt duplicateOf(Receipt draft) {
    if (draft.messageId() == null) {
      return null;
    }
    Receipt pending = uncommittedByMessageId.get(draft.messageId());
    return pending != null ? pending : store.findByMessageId(draft.messageId()).orElse(null);
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
    if (writing || next.isEmpty()) {
      return this;
    }
    List<Waiter> batch = takeBatch();
    List<Receipt> toWrite = new ArrayList<>(batch.size());
    for (Waiter waiter : batch) {
      if (waiter.write()) {
        toWrite.add(waiter.receipt());
      }
    }
    if (!settings.durable()) {
      // an unsynced RocksDB write is a few microseconds: cheaper inline than a thread hop
      List<Receipt> stored;
      try {
        stored = store.commit(toWrite, false);
      } catch (RuntimeException e) {
        return onBatchFailed(new BatchFailed(batch, e));
      }
      return onBatchWritten(new BatchWritten(batch, stored));
    }
    writing = true;
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(() -> store.commit(toWrite, true), io),
        (stored, failure) -> failure == null ? new BatchWritten(batch, stored) : new BatchFailed(batch, failure));
    return this;
  }

  private List<Waiter> takeBatch() {
    if (next.size() <= settings.maxBatch()) {
      List<Waiter> batch = next;
      next = new ArrayList<>();
      return batch;
    }
    List<Waiter> batch = new ArrayList<>(next.subList(0, settings.maxBatch()));
    next = new ArrayList<>(next.subList(settings.maxBatch(), next.size()));
    return batch;
  }

  private Behavior<Command> onBatchWritten(BatchWritten written) {
    writing = false;
    List<Waiter> batch = written.batch();
    Map<String, Receipt> storedBySealedId = new HashMap<>();
    Map<String, Receipt> movedTenants = new HashMap<>();
    int k = 0;
    for (Waiter waiter : batch) {
      if (waiter.write()) {
        Receipt sealed = waiter.receipt();
        Receipt stored = written.stored().get(k++);
        storedBySealedId.put(sealed.id(), stored);
        pendingByTenant.computeIfPresent(sealed.tenantId(), (tenant, n) -> n > 1 ? n - 1 : null);
        if (!stored.hash().equals(sealed.hash())) {
          movedTenants.put(sealed.tenantId(), stored.id().equals(sealed.id()) ? stored : null);
        }
        lastSeq = Math.max(lastSeq, stored.seq());
      }
    }
    for (Waiter waiter : batch) {
      Receipt stored = storedBySealedId.get(waiter.receipt().id());
      if (stored == null) {
        // a duplicate of a receipt committed in an earlier batch: answer with it as the store holds it
        stored = store.findByMessageId(waiter.receipt().messageId()).orElse(waiter.receipt());
      }
      waiter.reply().done(waiter.index(), stored);
      if (waiter.write() && waiter.receipt().messageId() != null) {
        uncommittedByMessageId.remove(waiter.receipt().messageId());
      }
    }
    movedTenants.forEach(this::correctHead);
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
      heads.put(tenantId, new ReceiptStore.TenantHead(tenantId, lastStored.seq(), lastStored.hash(),
          cached.governorState()));
    }
  }

  private Behavior<Command> onBatchFailed(BatchFailed failed) {
    getContext().getLog().error("ledger write of {} receipts failed; failing {} waiting appends and restarting",
        failed.batch().size(), failed.batch().size() + next.size(), failed.cause());
    failed.batch().forEach(waiter -> waiter.reply().failed("ledger_unavailable"));
    next.forEach(waiter -> waiter.reply().failed("ledger_unavailable"));
    throw new LedgerWriteException(failed.cause());
  }

  /** Thrown to let supervision restart the ledger from what the store really holds. */
  public static final class LedgerWriteException extends RuntimeException {
    LedgerWriteException(Throwable cause) {
      super("ledger write failed", cause);
    }
  }
}
