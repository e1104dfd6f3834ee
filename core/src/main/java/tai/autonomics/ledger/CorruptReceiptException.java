package tai.autonomics.ledger;

/**
 * A stored receipt cannot be read back: its bytes do not decode, or an index names a receipt that is not there.
 * Carries the seq so verification can name the receipt even when its id is unreadable.
 */
public final class CorruptReceiptException extends ReceiptStoreException {
  private final long seq;

  public CorruptReceiptException(long seq, String problem) {
    super("receipt at seq " + seq + " is corrupt: " + problem);
    this.seq = seq;
  }

  public long seq() {
    return seq;
  }
}
