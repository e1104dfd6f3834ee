package tai.autonomics.ledger;

import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The answer owed to one Append, AppendBatch or Record. A batch is answered once, when all its receipts are durable
 * (or at its first failure); a Record only at a failure; every answer is sent at most once. Used only on the
 * Ledger's thread.
 */
final class LedgerReply {
  private final Receipt[] results;
  private final Consumer<List<Receipt>> onDone;
  private final Consumer<String> onFailed;
  private int missing;

  private LedgerReply(int size, Consumer<List<Receipt>> onDone, Consumer<String> onFailed) {
    this.results = new Receipt[size];
    this.missing = size;
    this.onDone = onDone;
    this.onFailed = onFailed;
  }

  static LedgerReply single(ActorRef<StatusReply<Receipt>> replyTo) {
    return new LedgerReply(1, done -> replyTo.tell(StatusReply.success(done.get(0))),
        reason -> replyTo.tell(StatusReply.error(reason)));
  }

  static LedgerReply batch(ActorRef<StatusReply<List<Receipt>>> replyTo, int size) {
    return new LedgerReply(size, done -> replyTo.tell(StatusReply.success(done)),
        reason -> replyTo.tell(StatusReply.error(reason)));
  }

  static LedgerReply failuresOnly(ActorRef<Ledger.NotRecorded> failures, int size) {
    return new LedgerReply(size, done -> {}, reason -> failures.tell(new Ledger.NotRecorded(reason)));
  }

  void done(int index, Receipt receipt) {
    if (missing > 0 && results[index] == null) {
      results[index] = receipt;
      if (--missing == 0) {
        onDone.accept(List.of(results));
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
