package tai.autonomics.ledger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tai.autonomics.ledger.PendingAppends.Waiter;

/**
 * Where the Ledger's chains stand: the last seq given out and each tenant's head, counting receipts sealed but not
 * yet durable. Heads are cached from the store on first use. Made anew by each incarnation of the Ledger; used only
 * on its thread.
 */
final class ChainState {
  private final ReceiptStore store;
  private final Map<String, ReceiptStore.TenantHead> heads = new HashMap<>();
  /** Receipts sealed but not yet durable, by message id: a duplicate arriving meanwhile waits for the original. */
  private final Map<MessageKey, Receipt> uncommittedByMessageId = new HashMap<>();
  /** Receipts sealed but not yet durable, per tenant: a tenant absent here has its true head in the store. */
  private final Map<String, Integer> pendingByTenant = new HashMap<>();
  private long lastSeq;

  ChainState(ReceiptStore store) {
    this.store = store;
    this.lastSeq = store.lastSeq();
  }

  /** The sealed, not yet durable receipt with this message id, or null. */
  Receipt uncommitted(MessageKey messageId) {
    return uncommittedByMessageId.get(messageId);
  }

  /** Gives the draft the next seq and links it to its tenant's head, which it then is. */
  Receipt seal(Receipt draft) {
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

  /** The batch is durable; {@code stored} holds each waiter's receipt as the store wrote it, null for duplicates. */
  void committed(List<Waiter> batch, Receipt[] stored) {
    Map<String, Receipt> movedTenants = null;
    for (int i = 0; i < stored.length; i++) {
      Receipt written = stored[i];
      if (written == null) {
        continue;
      }
      Receipt sealed = batch.get(i).receipt();
      pendingByTenant.computeIfPresent(sealed.tenantId(), (tenant, n) -> n > 1 ? n - 1 : null);
      if (written != sealed && !written.hash().equals(sealed.hash())) {
        if (movedTenants == null) {
          movedTenants = new HashMap<>();
        }
        movedTenants.put(sealed.tenantId(), written.id().equals(sealed.id()) ? written : null);
      }
      lastSeq = Math.max(lastSeq, written.seq());
      if (sealed.messageId() != null) {
        uncommittedByMessageId.remove(MessageKey.of(sealed));
      }
    }
    if (movedTenants != null) {
      movedTenants.forEach(this::correctHead);
    }
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

  /**
   * The receipt at the tenant's head when it is durable (a governor resumes from its inputs); null while it is in
   * flight. One read per governor boot, on the Ledger's dispatcher, which is a blocking one over a store that waits.
   */
  Receipt lastStored(ReceiptStore.TenantHead head) {
    List<Receipt> page = store.page(head.tenantId(), head.seq() - 1, 1);
    return page.isEmpty() || page.get(0).seq() != head.seq() ? null : page.get(0);
  }
}
