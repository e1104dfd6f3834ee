package tai.autonomics.ledger;

/**
 * The receipt store cannot do what was asked: its directory cannot be opened or is locked by another process, the
 * store is closed, or the disk failed. The message says which, in words an operator can act on.
 */
public class ReceiptStoreException extends RuntimeException {
  public ReceiptStoreException(String message) {
    super(message);
  }

  public ReceiptStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
