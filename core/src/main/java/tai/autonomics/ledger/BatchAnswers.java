package tai.autonomics.ledger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tai.autonomics.ledger.PendingAppends.Waiter;

/** Answers the appenders of a written batch with their receipts as the store holds them. */
final class BatchAnswers {
  private BatchAnswers() {}

  /**
   * Answers every waiter of {@code batch}, whose writes the store returned as {@code stored} (see
   * {@link ReceiptStore#commit}), and returns the stored receipt of each waiter that wrote, null for duplicates.
   */
  static Receipt[] answer(List<Waiter> batch, List<Receipt> stored, ReceiptStore store) {
    // the stored receipts come in the order of the waiters that wrote; duplicates (rare) have none of their own
    Receipt[] answers = new Receipt[batch.size()];
    boolean duplicates = false;
    int k = 0;
    for (int i = 0; i < answers.length; i++) {
      if (batch.get(i).write()) {
        answers[i] = stored.get(k++);
      } else {
        duplicates = true;
      }
    }
    Map<String, Receipt> storedBySealedId = duplicates ? new HashMap<>() : Map.of();
    for (int i = 0; duplicates && i < answers.length; i++) {
      if (answers[i] != null) {
        storedBySealedId.put(batch.get(i).receipt().id(), answers[i]);
      }
    }
    for (int i = 0; i < answers.length; i++) {
      Waiter waiter = batch.get(i);
      Receipt answer = answers[i] != null ? answers[i] : storedBySealedId.get(waiter.receipt().id());
      if (answer == null) {
        // a duplicate of a receipt committed in an earlier batch: answer with it as the store holds it
        answer = store.findByMessageId(waiter.receipt().messageId()).orElse(waiter.receipt());
      }
      waiter.reply().done(waiter.index(), answer);
    }
    return answers;
  }
}
