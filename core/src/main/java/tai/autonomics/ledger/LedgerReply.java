package tai.autonomics.ledger;

import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The answer owed to one Append, AppendOrFind, AppendBatch or Record. A batch is answered once, when all its receipts
 * are durable (or at its first failure); a Record only at a failure; every answer is sent at most once. Used only on
 * the Ledger's thread.
 */
final class LedgerReply {
  private final ActorRef<StatusReply<Receipt>> single;
  private final ActorRef<StatusReply<Ledger.Appended>> telling;
  private final ActorRef<StatusReply<List<Receipt>>> many;
  private final ActorRef<Ledger.NotRecorded> failures;
  private final Receipt[] results;
  private int missing;

  private LedgerReply(ActorRef<StatusReply<Receipt>> single, ActorRef<StatusReply<Ledger.Appended>> telling,
      ActorRef<StatusReply<List<Receipt>>> many, ActorRef<Ledger.NotRecorded> failures, int size) {
    this.single = single;
    this.telling = telling;
    this.many = many;
    this.failures = failures;
    this.results = new Receipt[size];
    this.missing = size;
  }

  static LedgerReply single(ActorRef<StatusReply<Receipt>> replyTo) {
    return new LedgerReply(replyTo, null, null, null, 1);
  }

  static LedgerReply telling(ActorRef<StatusReply<Ledger.Appended>> replyTo) {
    return new LedgerReply(null, replyTo, null, null, 1);
  }

  static LedgerReply batch(ActorRef<StatusReply<List<Receipt>>> replyTo, int size) {
    return new LedgerReply(null, null, replyTo, null, size);
  }

  static LedgerReply failuresOnly(ActorRef<Ledger.NotRecorded> failures, int size) {
    return new LedgerReply(null, null, null, failures, size);
  }

  /**
   * The receipt at {@code index} is durable: {@code written} true when it is the draft's own, false when it is the
   * original stored under the draft's MessageKey.
   */
  void done(int index, Receipt receipt, boolean written) {
    if (missing <= 0 || results[index] != null) {
      return;
    }
    results[index] = receipt;
    if (--missing > 0) {
      return;
    }
    if (single != null) {
      single.tell(StatusReply.success(receipt));
    } else if (telling != null) {
      telling.tell(StatusReply.success(new Ledger.Appended(receipt, written)));
    } else if (many != null) {
      many.tell(StatusReply.success(List.copyOf(Arrays.asList(results))));
    }
  }

  void failed(String reason) {
    if (missing <= 0) {
      return;
    }
    missing = 0;
    if (single != null) {
      single.tell(StatusReply.error(reason));
    } else if (telling != null) {
      telling.tell(StatusReply.error(reason));
    } else if (many != null) {
      many.tell(StatusReply.error(reason));
    } else {
      failures.tell(new Ledger.NotRecorded(reason));
    }
  }
}
