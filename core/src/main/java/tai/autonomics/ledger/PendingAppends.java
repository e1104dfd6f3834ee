package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The Ledger's appends that are sealed but not yet handed to a write, in arrival order: what the next group commit
 * takes, and whom to answer once it is durable. Used only on the Ledger's thread; made anew by each incarnation.
 */
final class PendingAppends {

  /** One sealed receipt waiting for its commit, and whom to tell; {@code write} is false for duplicates. */
  record Waiter(Receipt receipt, boolean write, LedgerReply reply, int index) {}

  private final ChainState chains;
  private final ReceiptStore store;
  private List<Waiter> next = new ArrayList<>();

  PendingAppends(ChainState chains, ReceiptStore store) {
    this.chains = chains;
    this.store = store;
  }

  int size() {
    return next.size();
  }

  boolean isEmpty() {
    return next.isEmpty();
  }

  /** Seals the draft and queues it, or answers it at once when its messageId is already stored. */
  void enqueue(Receipt draft, int index, LedgerReply reply) {
    MessageKey messageId = MessageKey.of(draft);
    if (messageId != null) {
      Receipt original = chains.uncommitted(messageId);
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
    next.add(new Waiter(chains.seal(draft), true, reply, index));
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

  /** The receipts the batch writes: duplicates wait for a receipt written by someone else. */
  static List<Receipt> toWrite(List<Waiter> batch) {
    return batch.stream().filter(Waiter::write).map(Waiter::receipt).toList();
  }

  /**
   * Answers every waiter of the durable {@code batch}, whose writes the store returned as {@code stored} (see
   * {@link ReceiptStore#commit}), and returns the stored receipt of each waiter that wrote, null for duplicates.
   */
  Receipt[] answer(List<Waiter> batch, List<Receipt> stored) {
    Receipt[] written = new Receipt[batch.size()];
    Iterator<Receipt> inOrder = stored.iterator();
    for (int i = 0; i < written.length; i++) {
      Waiter waiter = batch.get(i);
      written[i] = waiter.write() ? inOrder.next() : null;
      // a duplicate's original is durable now, in this batch or an earlier one: answer with it as stored
      Receipt answer = waiter.write() ? written[i]
          : store.findByMessageId(MessageKey.of(waiter.receipt())).orElse(waiter.receipt());
      // a shared store answers a key another node stored first with that node's receipt: another id (a receipt it
      // re-links keeps its id), so only the draft's own id means this draft was written
      waiter.reply().done(waiter.index(), answer, waiter.write() && answer.id().equals(waiter.receipt().id()));
    }
    return written;
  }
}
