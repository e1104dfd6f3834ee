package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Ledger's appends between sealing and durability: where its chains stand (the last seq given out and each
 * tenant's head, counting receipts sealed but not yet durable; heads are cached from the store on first use), the
 * sealed appends the next group commit takes, in arrival order, and whom to answer once they are durable. Used only
 * on the Ledger's thread; made anew by each incarnation.
 */
final class PendingAppends {

  /** One sealed receipt waiting for its commit, and whom to tell; {@code write} is false for duplicates. */
  record Waiter(Receipt receipt, boolean write, LedgerReply reply, int index) {}

  private final ReceiptStore store;
  private final Map<String, ReceiptStore.TenantHead> heads = new HashMap<>();
  /** Receipts sealed but not yet durable, by message id: a duplicate arriving meanwhile waits for the original. */
  private final Map<MessageKey, Receipt> uncommittedByMessageId = new HashMap<>();
  /** Receipts sealed but not yet durable, per tenant: a tenant absent here has its true head in the store. */
  private final Map<String, Integer> pendingByTenant = new HashMap<>();
  private long lastSeq;
  private List<Waiter> next = new ArrayList<>();

  PendingAppends(ReceiptStore store) {
    this.store = store;
    this.lastSeq = store.lastSeq();
  }

  int size() {
    return next.size();
  }

  /** Seals the draft and queues it, or answers it at once when its messageId is already stored. */
  void enqueue(Receipt draft, int index, LedgerReply reply) {
    MessageKey messageId = MessageKey.of(draft);
    if (messageId != null) {
      Receipt original = uncommittedByMessageId.get(messageId);
      if (original != null) {
        // the original is not durable yet: answer the duplicate when it is
        next.add(new Waiter(original, false, reply, index));
        return;
      }
      // almost every messageId is new, and the filters in memory say so without looking the key up
      Optional<Receipt> stored =
          store.mayContainMessageId(messageId) ? store.findByMessageId(messageId) : Optional.empty();
      if (stored.isPresent()) {
        reply.done(index, stored.get(), false);
        return;
      }
    }
    next.add(new Waiter(seal(draft), true, reply, index));
  }

  /** The waiters of the next commit: up to {@code maxBatch}, more only to keep an AppendBatch whole. */
  List<Waiter> takeBatch(int maxBatch) {
    int cut = Math.min(maxBatch, next.size());
    // the receipts of one AppendBatch share one reply and were promised one commit: never cut through them, even if
    // that makes this commit larger than max-batch
    while (cut > 0 && cut < next.size() && next.get(cut).reply() == next.get(cut - 1).reply()) {
      cut++;
    }
    List<Waiter> batch = new ArrayList<>(next.subList(0, cut));
    next = new ArrayList<>(next.subList(cut, next.size()));
    return batch;
  }

  /** Refuses every waiting append (the ledger stops before they are written). */
  void failAll(String reason) {
    next.forEach(waiter -> waiter.reply().failed(reason));
    next = new ArrayList<>();
  }

  /** Gives the draft the next seq and links it to its tenant's head, which it then is. */
  private Receipt seal(Receipt draft) {
    Optional<ReceiptStore.TenantHead> head = headOf(draft.tenantId());
    Receipt sealed = ReceiptHasher.seal(draft, ++lastSeq,
        head.map(ReceiptStore.TenantHead::hash).orElse(Receipt.GENESIS_HASH));
    heads.put(sealed.tenantId(),
        head.map(h -> h.advancedBy(sealed)).orElseGet(() -> ReceiptStore.TenantHead.first(sealed)));
    if (draft.messageId() != null) {
      uncommittedByMessageId.put(MessageKey.of(draft), sealed);
    }
    pendingByTenant.merge(sealed.tenantId(), 1, Integer::sum);
    return sealed;
  }

  /** The tenant's head for a reader (GetHead). */
  Optional<ReceiptStore.TenantHead> currentHead(String tenantId) {
    if (!pendingByTenant.containsKey(tenantId)) {
      // nothing of ours in flight: the store is the truth, and in cluster mode another node may have written since
      heads.remove(tenantId);
    }
    return headOf(tenantId);
  }

  /**
   * Answers every waiter of the durable {@code batch}, whose writes the store returned as {@code stored} (see
   * {@link ReceiptStore#commit}); when this incarnation sealed them ({@code ours}) the chains move on with them.
   */
  void committed(List<Waiter> batch, List<Receipt> stored, boolean ours) {
    Iterator<Receipt> inOrder = stored.iterator();
    Set<String> relinked = new HashSet<>();
    for (Waiter waiter : batch) {
      Receipt sealed = waiter.receipt();
      if (!waiter.write()) {
        // a duplicate's original is durable now, in this batch or an earlier one: answer with it as stored
        waiter.reply().done(waiter.index(), store.findByMessageId(MessageKey.of(sealed)).orElse(sealed), false);
        continue;
      }
      Receipt written = inOrder.next();
      // a shared store answers a key another node stored first with that node's receipt: another id (a receipt it
      // re-links keeps its id), so only the draft's own id means this draft was written
      waiter.reply().done(waiter.index(), written, written.id().equals(sealed.id()));
      if (!ours) {
        continue;
      }
      pendingByTenant.computeIfPresent(sealed.tenantId(), (tenant, n) -> n > 1 ? n - 1 : null);
      if (written != sealed && !written.hash().equals(sealed.hash())) {
        // the store re-linked it, or answered with an older duplicate: another ledger wrote to the chain (cluster)
        relinked.add(sealed.tenantId());
      }
      lastSeq = Math.max(lastSeq, written.seq());
      uncommittedByMessageId.remove(MessageKey.of(sealed)); // null without a messageId: never put
    }
    // receipts still pending are re-linked when they are written; without any, the head is reloaded on next use
    relinked.removeIf(pendingByTenant::containsKey);
    relinked.forEach(heads::remove);
  }

  /**
   * The receipt at the tenant's head when it is durable (a governor resumes from its inputs); null while it is in
   * flight. One read per governor boot, on the Ledger's dispatcher, which is a blocking one over a store that waits.
   */
  Receipt lastStored(ReceiptStore.TenantHead head) {
    List<Receipt> page = store.page(head.tenantId(), head.seq() - 1, 1);
    return page.isEmpty() || page.get(0).seq() != head.seq() ? null : page.get(0);
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
}
