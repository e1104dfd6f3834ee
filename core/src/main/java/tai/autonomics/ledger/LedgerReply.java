package tai.autonomics.ledger;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The answer owed to one Append, AppendOrFind, AppendBatch or Record. A batch is answered once, when all its receipts
 * are durable (or at its first failure); a Record only at a failure; every answer is sent at most once. Used only on
 * the Ledger's thread.
 */
final class LedgerReply {
  private final Receipt[] results;
  /** Given the receipts and whether every one of them is its draft's own (false: an original found by MessageKey). */
  private final BiConsumer<List<Receipt>, Boolean> onDone;
  private final Consumer<String> onFailed;
  private boolean allWritten = true;
  private int missing;

  private LedgerReply(int size, BiConsumer<List<Receipt>, Boolean> onDone, Consumer<String> onFailed) {
    this.results = new Receipt[size];
    this.missing = size;
    this.onDone = onDone;
    this.onFailed = onFailed;
  }

  /** Answers {@code replyTo} with {@code answer}, made of the receipts and whether every one is its draft's own. */
  static <T> LedgerReply answering(ActorRef<StatusReply<T>> replyTo, int size,
      BiFunction<List<Receipt>, Boolean, T> answer) {
    return new LedgerReply(size, (done, written) -> replyTo.tell(StatusReply.success(answer.apply(done, written))),
        reason -> replyTo.tell(StatusReply.error(reason)));
  }

  static LedgerReply failuresOnly(ActorRef<Ledger.NotRecorded> failures, int size) {
    return new LedgerReply(size, (done, written) -> {}, reason -> failures.tell(new Ledger.NotRecorded(reason)));
  }

  /** The receipt at {@code index} is durable; {@code written} false: it is an original found by MessageKey. */
  void done(int index, Receipt receipt, boolean written) {
    if (missing > 0 && results[index] == null) {
      results[index] = receipt;
      allWritten &= written;
      if (--missing == 0) {
        onDone.accept(List.of(results), allWritten);
      }
    }
  }

  void failed(String reason) {
    if (missing > 0) {
      missing = 0;
      onFailed.accept(reason);
    }
  }
}
