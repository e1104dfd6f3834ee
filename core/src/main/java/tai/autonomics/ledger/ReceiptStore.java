package tai.autonomics.ledger;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Durable home of the receipts (docs/RECEIPTS.md). Only the Ledger actor appends; reads are thread-safe and may be
 * called from any thread (HTTP routes read straight from the store, without an actor hop).
 */
public interface ReceiptStore extends AutoCloseable {
  /**
   * Writes sealed receipts atomically, in order. When {@code sync} is true the call returns only once the batch
   * survives a process kill and power loss.
   */
  void append(List<Receipt> batch, boolean sync);

  /**
   * Appends a batch the Ledger sealed and returns the receipts as stored, in the same order: as given by a store
   * with one writer (this default). A store that several ledgers share (PostgreSQL in cluster mode) re-links in the
   * same transaction every receipt whose {@code seq} or {@code prev_hash} it has moved past (same id), and answers
   * one whose {@code message_id} is stored with the original: chains never fork and seq stays gap-free.
   */
  default List<Receipt> commit(List<Receipt> batch, boolean sync) {
    append(batch, sync);
    return batch;
  }

  Optional<Receipt> get(String id);

  /** The tenant's receipts with {@code seq > afterSeq}, in chain order, at most {@code limit}. */
  List<Receipt> page(String tenantId, long afterSeq, int limit);

  /** All receipts with {@code seq > afterSeq} in ledger order, at most {@code limit}: ledger-wide verification. */
  List<Receipt> scan(long afterSeq, int limit);

  /** The receipt written for a message (the same tenant, scope and id), for de-duplication. */
  Optional<Receipt> findByMessageId(MessageKey message);

  /**
   * False only when no receipt has this key for certain, answered from memory, so a thread that must not block may
   * ask it; true means "maybe": ask {@link #findByMessageId}. Almost every push carries a new messageId.
   */
  default boolean mayContainMessageId(MessageKey message) {
    return true;
  }

  /**
   * Whether a call may wait (for a disk, a network, a lock): the Ledger then runs on its own dispatcher and its
   * synced commits on its io dispatcher. Over a store that never waits (memory) it commits on its own thread, on the
   * default dispatcher: an append then needs no thread hand-off.
   */
  default boolean mayBlock() {
    return true;
  }

  /** Adds {@code hook} to every later write; the side keyspace it writes, or empty when this store has none. */
  default Optional<CommitHook.Reader> attach(CommitHook hook) {
    return Optional.empty();
  }

  /** Where a tenant's chain ends, or empty for a tenant without receipts. */
  Optional<TenantHead> head(String tenantId);

  /**
   * The latest entitlement receipt of each of every tenant's entitlements (at least: a store may also return older
   * ones, the highest seq wins): Entitlements rebuilds its state from these at start. A receipt without entitlement id
   * is kept per its {@code action_id}: an account's events (none) share one, and each sign-up's link and close (its
   * job, {@code account:} and the account id) has its own, so no later account event hides a sign-up not closed.
   */
  List<Receipt> latestEntitlements();

  /** The highest seq written, 0 for an empty ledger. */
  long lastSeq();

  Stats stats();

  @Override
  void close();

  /**
   * Opens the store {@code autonomics.ledger.store} names. {@code rocksdb} keeps the ledger under
   * {@code <data-dir>/ledger}; a directory that cannot be opened or is locked by another node fails with a
   * {@link ReceiptStoreException} that says so.
   */
  static ReceiptStore open(LedgerSettings settings) {
    return switch (settings.store()) {
      case "rocksdb" -> RocksReceiptStore.open(settings.dataDir().resolve("ledger"));
      case "memory" -> new MemoryReceiptStore();
      default -> throw new IllegalArgumentException(
          "autonomics.ledger.store must be one of: rocksdb, memory; not '" + settings.store() + "'");
    };
  }

  /**
   * A consistent copy of the whole store in {@code target}, which must not exist yet, that opens as a store of its
   * own: an online backup. Only a store kept in files has one.
   *
   * @throws UnsupportedOperationException when this store has no such copy (memory; PostgreSQL has pg_dump)
   */
  default void checkpoint(Path target) {
    throw new UnsupportedOperationException("the " + getClass().getSimpleName() + " has no checkpoint");
  }

  /**
   * End of a tenant's chain: the last receipt's hash and seq, and the last governor state written for the tenant
   * (null when it has only entitlement or action receipts), with the {@code reason} and {@code timestamp} of the
   * receipt that moved the governor into it: a governor restored in {@code refusing} knows why, and since when.
   */
  record TenantHead(String tenantId, long seq, String hash, String governorState, String governorReason,
      Long governorSince) {

    public TenantHead(String tenantId, long seq, String hash, String governorState) {
      this(tenantId, seq, hash, governorState, null, null);
    }

    /**
     * A governor receipt moves the governor into its {@code state_to} rather than keep it where it was (a refusal
     * while refusing) when its state changes, or differs from the head's (a governor restored without a receipt).
     */
    public TenantHead advancedBy(Receipt sealed) {
      boolean enters = sealed.type().carriesGovernorState() && (!Objects.equals(sealed.stateFrom(), sealed.stateTo())
          || !Objects.equals(governorState, sealed.stateTo()));
      return enters ? entered(sealed) : at(sealed.seq(), sealed.hash());
    }

    /** The same governor state at another chain end (the store re-linked the tenant's receipts). */
    public TenantHead at(long newSeq, String newHash) {
      return new TenantHead(tenantId, newSeq, newHash, governorState, governorReason, governorSince);
    }

    public static TenantHead first(Receipt sealed) {
      return sealed.type().carriesGovernorState() ? entered(sealed)
          : new TenantHead(sealed.tenantId(), sealed.seq(), sealed.hash(), null);
    }

    private static TenantHead entered(Receipt sealed) {
      return new TenantHead(sealed.tenantId(), sealed.seq(), sealed.hash(), sealed.stateTo(), sealed.reason(),
          sealed.timestamp());
    }
  }

  record Stats(long count, long bytesOnDisk) {}
}
