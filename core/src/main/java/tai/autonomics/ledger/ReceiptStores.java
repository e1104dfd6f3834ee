package tai.autonomics.ledger;

/** Opens the store {@code autonomics.ledger.store} names. */
public final class ReceiptStores {
  private ReceiptStores() {}

  /**
   * {@code rocksdb} keeps the ledger under {@code <data-dir>/ledger}; a directory that cannot be opened or is locked
   * by another node fails with a {@link ReceiptStoreException} that says so.
   */
  public static ReceiptStore open(LedgerSettings settings) {
    return switch (settings.store()) {
      case "rocksdb" -> RocksReceiptStore.open(settings.dataDir().resolve("ledger"));
      case "memory" -> new MemoryReceiptStore();
      default -> throw new IllegalArgumentException(
          "autonomics.ledger.store must be one of: rocksdb, memory; not '" + settings.store() + "'");
    };
  }
}
