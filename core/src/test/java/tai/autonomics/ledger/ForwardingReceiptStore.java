package tai.autonomics.ledger;

import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to another one; a subclass overrides only what it changes (a test store that fails
 * or holds some calls). Everything is forwarded but {@link #mayBlock}, which stays true: a wrapper may make writes
 * wait.
 */
public abstract class ForwardingReceiptStore implements ReceiptStore {
  private final ReceiptStore delegate;

  protected ForwardingReceiptStore(ReceiptStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void append(List<Receipt> batch, boolean sync) {
    delegate.append(batch, sync);
  }

  @Override
  public List<Receipt> commit(List<Receipt> batch, boolean sync) {
    return delegate.commit(batch, sync);
  }

  @Override
  public Optional<Receipt> get(String id) {
    return delegate.get(id);
  }

  @Override
  public List<Receipt> page(String tenantId, long afterSeq, int limit) {
    return delegate.page(tenantId, afterSeq, limit);
  }

  @Override
  public List<Receipt> scan(long afterSeq, int limit) {
    return delegate.scan(afterSeq, limit);
  }

  @Override
  public Optional<Receipt> findByMessageId(MessageKey messageId) {
    return delegate.findByMessageId(messageId);
  }

  @Override
  public boolean mayContainMessageId(MessageKey messageId) {
    return delegate.mayContainMessageId(messageId);
  }

  @Override
  public Optional<TenantHead> head(String tenantId) {
    return delegate.head(tenantId);
  }

  @Override
  public List<Receipt> latestEntitlements() {
    return delegate.latestEntitlements();
  }

  @Override
  public long lastSeq() {
    return delegate.lastSeq();
  }

  @Override
  public Stats stats() {
    return delegate.stats();
  }

  @Override
  public void checkpoint(java.nio.file.Path target) {
    delegate.checkpoint(target);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
