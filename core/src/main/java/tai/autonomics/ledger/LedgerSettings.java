package tai.autonomics.ledger;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code autonomics.ledger}: which store, where, how durable, how big a group commit may grow.
 *
 * @param store {@code rocksdb} (the node default) or {@code memory}
 * @param durable true when a write is acknowledged only after its WAL is fsynced ({@code durability = fsync})
 * @param maxBatch the most receipts one group commit writes; more wait for the next
 * @param maxPending appends waiting for a commit beyond which new ones are refused as overloaded
 * @param commitInterval under load, the least time from the start of one synced commit to the start of the next
 * @param recordCommitInterval the same when no waiting receipt is awaited by anyone (all come from
 *     {@link Ledger.Record}, as the executor's do): nobody's latency depends on them, so more may share an fsync
 */
public record LedgerSettings(String store, Path dataDir, boolean durable, int maxBatch, int maxPending,
    Duration commitInterval, Duration recordCommitInterval) {

  /** Settings without a commit interval: every commit starts as soon as the one before it ends. */
  public LedgerSettings(String store, Path dataDir, boolean durable, int maxBatch, int maxPending) {
    this(store, dataDir, durable, maxBatch, maxPending, Duration.ZERO);
  }

  /** One commit interval for all receipts, awaited or not. */
  public LedgerSettings(String store, Path dataDir, boolean durable, int maxBatch, int maxPending,
      Duration commitInterval) {
    this(store, dataDir, durable, maxBatch, maxPending, commitInterval, commitInterval);
  }

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
        ledger.getInt("max-pending"),
        ledger.getDuration("commit-interval"),
        ledger.getDuration("record-commit-interval"));
  }
}
