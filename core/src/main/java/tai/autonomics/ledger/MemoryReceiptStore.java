package tai.autonomics.ledger;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An in-memory {@link ReceiptStore}: complete and thread-safe, but lost with the process. Used by unit tests and by
 * {@code autonomics.ledger.store = memory}. A batch becomes visible receipt by receipt; readers never see an index
 * entry, a tenant head or a last seq that points past a receipt they cannot read.
 */
public final class MemoryReceiptStore implements ReceiptStore {
  private final NavigableMap<Long, Receipt> bySeq = new ConcurrentSkipListMap<>();
  private final Map<String, Receipt> byId = new ConcurrentHashMap<>();
  private final Map<String, NavigableMap<Long, Receipt>> byTenant = new ConcurrentHashMap<>();
  private final Map<MessageKey, Receipt> byMessageId = new ConcurrentHashMap<>();
  private final Map<String, TenantHead> heads = new ConcurrentHashMap<>();
  /** By tenant, entitlement id and (without one) action id: {@link ReceiptStore#latestEntitlements}. */
  private final Map<List<String>, Receipt> latestEntitlement = new ConcurrentHashMap<>();
  private volatile long lastSeq;

  @Override
  public synchronized void append(List<Receipt> batch, boolean sync) {
    for (Receipt receipt : batch) {
      if (!receipt.isSealed()) {
        throw new IllegalArgumentException("receipt is not sealed: " + receipt);
      }
      byId.put(receipt.id(), receipt);
      byTenant.computeIfAbsent(receipt.tenantId(), t -> new ConcurrentSkipListMap<>()).put(receipt.seq(), receipt);
      if (receipt.messageId() != null) {
        byMessageId.putIfAbsent(MessageKey.of(receipt), receipt);
      }
      if (receipt.type() == ReceiptType.ENTITLEMENT) {
        latestEntitlement.put(Arrays.asList(receipt.tenantId(), receipt.entitlementId(),
            receipt.entitlementId() == null ? receipt.actionId() : null), receipt);
      }
      bySeq.put(receipt.seq(), receipt);
      // head and last seq move last: a reader never sees them point past a receipt it cannot read yet
      heads.merge(receipt.tenantId(), TenantHead.first(receipt), (old, fresh) -> old.advancedBy(receipt));
      lastSeq = receipt.seq();
    }
  }

  @Override
  public Optional<Receipt> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public List<Receipt> page(String tenantId, long afterSeq, int limit) {
    NavigableMap<Long, Receipt> chain = byTenant.get(tenantId);
    return chain == null ? List.of() : chain.tailMap(afterSeq, false).values().stream().limit(limit).toList();
  }

  @Override
  public List<Receipt> scan(long afterSeq, int limit) {
    return bySeq.tailMap(afterSeq, false).values().stream().limit(limit).toList();
  }

  /** Map updates only: nothing to wait for. */
  @Override
  public boolean mayBlock() {
    return false;
  }

  @Override
  public Optional<Receipt> findByMessageId(MessageKey messageId) {
    return Optional.ofNullable(byMessageId.get(messageId));
  }

  @Override
  public Optional<TenantHead> head(String tenantId) {
    return Optional.ofNullable(heads.get(tenantId));
  }

  @Override
  public List<Receipt> latestEntitlements() {
    return List.copyOf(latestEntitlement.values());
  }

  @Override
  public long lastSeq() {
    return lastSeq;
  }

  @Override
  public Stats stats() {
    return new Stats(bySeq.size(), 0);
  }

  @Override
  public void close() {
    // nothing to release: the receipts live on the heap and go with it
  }
}
