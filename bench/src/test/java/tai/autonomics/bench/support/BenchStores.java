package tai.autonomics.bench.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.ReceiptStore;

/**
 * Opens the receipt store the benchmarks run on: RocksDB in a temporary directory, the node's default, when this
 * build has it; the memory store otherwise. Every result names the store it was measured on.
 */
public final class BenchStores {
  private BenchStores() {}

  /** An open store and which kind it is ({@code rocksdb} or {@code memory}). */
  public record Opened(ReceiptStore store, String kind, Config config) {}

  /** Opens a store under {@code dataDir}; {@code config} gives the rest of autonomics.ledger (durability, ...). */
  public static Opened open(Config config, Path dataDir) {
    Config rocks = ConfigFactory.parseString("autonomics.ledger { store = rocksdb, data-dir = \""
        + dataDir.toAbsolutePath().toString().replace("\\", "/") + "\" }").withFallback(config);
    try {
      return new Opened(ReceiptStore.open(LedgerSettings.create(rocks)), "rocksdb", rocks);
    } catch (IllegalArgumentException unknownStore) {
      Config memory = ConfigFactory.parseString("autonomics.ledger.store = memory").withFallback(rocks);
      return new Opened(ReceiptStore.open(LedgerSettings.create(memory)), "memory", memory);
    }
  }
}
