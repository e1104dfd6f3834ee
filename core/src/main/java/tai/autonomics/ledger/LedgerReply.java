package tai.autonomics.ledger;

import java.util.List;
import java.util.function.BiConsumer;
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

  static LedgerReply single(ActorRef<StatusReply<Receipt>> replyTo) {
    return new LedgerReply(1, (done, written) -> replyTo.tell(StatusReply.success(done.get(0))),
        reason -> replyTo.tell(StatusReply.error(reason)));
  }

  static LedgerReply telling(ActorRef<StatusReply<Ledger.Appended>> replyTo) {
    return new LedgerReply(1,
        (done, written) -> replyTo.tell(StatusReply.success(new Ledger.Appended(done.get(0), written))),
        reason -> replyTo.tell(StatusReply.error(reason)));
  }

  static LedgerReply batch(ActorRef<StatusReply<List<Receipt>>> replyTo, int size) {
    return new LedgerReply(size, (done, written) -> replyTo.tell(StatusReply.success(done)),
        reason -> replyTo.tell(StatusReply.error(reason)));
  }

  static LedgerReply failuresOnly(ActorRef<Ledger.NotRecorded> failures, int size) {
    return new LedgerReply(size, (done, written) -> {}, reason -> failures.tell(new Ledger.NotRecorded(reason)));
  }

  /**
   * The receipt at {@code index} is durable: {@code written} true when it is the draft's own, false when it is the
   * original stored under the draft's MessageKey.
   */
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
