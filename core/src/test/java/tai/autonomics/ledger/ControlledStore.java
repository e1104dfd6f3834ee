package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with a hand on its writes, for Ledger tests: it records each batch, can hold writes until released
 * and can fail the next ones, as a full disk would.
 */
final class ControlledStore extends ForwardingReceiptStore {
  private final List<Integer> batchSizes = new ArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch held = new CountDownLatch(1);

  ControlledStore(ReceiptStore delegate) {
    super(delegate);
  }

  /** Writes wait from now on until {@link #release}; {@link #awaitHeldWrite} sees the first of them arrive. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void awaitHeldWrite() throws InterruptedException {
    if (!held.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no write arrived while held");
    }
  }

  void release() {
    gate.countDown();
  }

  void failNext(int count) {
    failures.set(count);
  }

  synchronized List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  @Override
  public void append(List<Receipt> batch, boolean sync) {
    beforeWrite();
    super.append(batch, sync);
    written(batch);
  }

  @Override
  public List<Receipt> commit(List<Receipt> batch, boolean sync) {
    beforeWrite();
    List<Receipt> stored = super.commit(batch, sync);
    written(batch);
    return stored;
  }

  /** Waits while writes are held, then fails if a failure is due. */
  private void beforeWrite() {
    CountDownLatch current = gate;
    if (current.getCount() > 0) {
      held.countDown();
      try {
        if (!current.await(10, TimeUnit.SECONDS)) {
          throw new ReceiptStoreException("held write never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReceiptStoreException("interrupted");
      }
    }
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new ReceiptStoreException("disk full (injected)");
    }
  }

  private synchronized void written(List<Receipt> batch) {
    batchSizes.add(batch.size());
  }
}
