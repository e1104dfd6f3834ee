package tai.autonomics.ledger;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * {@code autonomics.ledger}: which store, where, how durable, how big a group commit may grow.
 *
 * @param store {@code rocksdb} (the node default) or {@code memory}
 * @param durable true when a write is acknowledged only after its WAL is fsynced ({@code durability = fsync})
 * @param maxBatch the most receipts one group commit writes; more wait for the next
 * @param maxPending appends waiting for a commit beyond which new ones are refused as overloaded
 */
public record LedgerSettings(String store, Path dataDir, boolean durable, int maxBatch, int maxPending) {

  public static LedgerSettings create(Config config) {
    Config ledger = config.getConfig("autonomics.ledger");
    String durability = ledger.getString("durability");
    if (!durability.equals("fsync") && !durability.equals("off")) {
      throw new IllegalArgumentException("autonomics.ledger.durability must be fsync or off, not " + durability);
    }
    return new LedgerSettings(
        ledger.getString("store"),
        Path.of(ledger.getString("data-dir")),
        durability.equals("fsync"),
        ledger.getInt("max-batch"),
        ledger.getInt("max-pending"));
  }
}
