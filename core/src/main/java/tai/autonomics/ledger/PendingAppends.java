package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The Ledger's appends that are sealed but not yet handed to a write, in arrival order: what the next group commit
 * takes. Used only on the Ledger's thread.
 */
final class PendingAppends {

  /** One sealed receipt waiting for its commit, and whom to tell; {@code write} is false for duplicates. */
  record Waiter(Receipt receipt, boolean write, LedgerReply reply, int index) {}

  private List<Waiter> next = new ArrayList<>();
  /** How many of the waiters someone waits for (see {@link LedgerReply#awaited}). */
  private int awaited;

  int size() {
    return next.size();
  }

  /** Whether anyone waits for the answer of a waiting receipt (else all come from Records). */
  boolean anyAwaited() {
    return awaited > 0;
  }

  boolean isEmpty() {
    return next.isEmpty();
  }

  void add(Waiter waiter) {
    next.add(waiter);
    awaited += waiter.reply().awaited() ? 1 : 0;
  }

  /** The waiters of the next commit: up to {@code maxBatch}, more only to keep an AppendBatch whole. */
  List<Waiter> takeBatch(int maxBatch) {
    if (next.size() <= maxBatch) {
      List<Waiter> batch = next;
      next = new ArrayList<>();
      awaited = 0;
      return batch;
    }
    int cut = maxBatch;
    // the receipts of one AppendBatch share one reply and were promised one commit: never cut through them, even if
    // that makes this commit larger than max-batch
    while (cut < next.size() && next.get(cut).reply() == next.get(cut - 1).reply()) {
      cut++;
    }
    List<Waiter> batch = new ArrayList<>(next.subList(0, cut));
    next = new ArrayList<>(next.subList(cut, next.size()));
    awaited = 0;
    for (Waiter waiter : next) {
      awaited += waiter.reply().awaited() ? 1 : 0;
    }
    return batch;
  }

  /** Refuses every waiting append (the ledger stops before they are written). */
  void failAll(String reason) {
    next.forEach(waiter -> waiter.reply().failed(reason));
    next = new ArrayList<>();
    awaited = 0;
  }

  /** The receipts the batch writes: duplicates wait for a receipt written by someone else. */
  static List<Receipt> toWrite(List<Waiter> batch) {
    List<Receipt> toWrite = new ArrayList<>(batch.size());
    for (Waiter waiter : batch) {
      if (waiter.write()) {
        toWrite.add(waiter.receipt());
      }
    }
    return toWrite;
  }

  /** How many appends the waiters serve: each Append, and each AppendBatch, has one receipt at index 0. */
  static int appendsIn(List<Waiter> waiters) {
    int appends = 0;
    for (Waiter waiter : waiters) {
      appends += waiter.index() == 0 ? 1 : 0;
    }
    return appends;
  }
}
