package tai.autonomics.ledger;

/** Opens the store {@code autonomics.ledger.store} names. */
public final class ReceiptStores {
  private ReceiptStores() {}

  public static ReceiptStore open(LedgerSettings settings) {
    return switch (settings.store()) {
      case "memory" -> new MemoryReceiptStore();
      default -> throw new IllegalArgumentException(
          "autonomics.ledger.store must be one of: memory; not '" + settings.store() + "'");
    };
  }
}
