package tai.autonomics.ledger;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Durable home of the receipts (DESIGN §8). Only the Ledger actor appends; reads are thread-safe and may be called
 * from any thread (HTTP routes read straight from the store, without an actor hop).
 *
 * <p>Implementations: {@link MemoryReceiptStore} (tests, {@code store = memory}) and the RocksDB store.
 */
public interface ReceiptStore extends AutoCloseable {

  /**
   * Writes sealed receipts atomically, in order. When {@code sync} is true the call returns only once the batch
   * survives a process kill and power loss.
   */
  void append(List<Receipt> batch, boolean sync);

  /**
   * Appends a batch the Ledger sealed and returns the receipts as stored, in the same order. A store with one
   * writer stores them as given (this default). A store that several ledgers share (PostgreSQL in cluster mode)
   * re-links, in the same transaction, every receipt whose {@code seq} or {@code prev_hash} the store has moved past
   * meanwhile (same id, new seq, prev_hash and hash), and answers a receipt whose {@code message_id} is already
   * stored with the stored original (a different id): so chains never fork and seq stays gap-free whoever writes.
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

  /** The receipt written for a Pub/Sub messageId or a Marketplace eventId, for de-duplication. */
  Optional<Receipt> findByMessageId(String messageId);

  /**
   * False only when no receipt has this messageId for certain, answered from memory without touching the disk, so a
   * caller may ask it on a thread that must not block; true means "maybe": ask {@link #findByMessageId}. Almost every
   * push carries a new messageId, and this lets the edge skip a blocking read (and a thread hop) for each.
   */
  default boolean mayContainMessageId(String messageId) {
    return true;
  }

  /**
   * Whether a call may wait (for a disk, a network, a lock): the Ledger then runs on its own dispatcher and its
   * synced commits on its io dispatcher. The Ledger over a store that answers false (memory) runs on the default
   * dispatcher and commits on its own thread: an append then needs no thread hand-off at all (measured: a signal's
   * round trip p50 3 µs instead of 55 µs, as the hand-offs woke parked threads).
   */
  default boolean mayBlock() {
    return true;
  }

  /** Where a tenant's chain ends, or empty for a tenant without receipts. */
  Optional<TenantHead> head(String tenantId);

  /** The latest entitlement receipt of every tenant: Entitlements rebuilds its state from these at start. */
  List<Receipt> latestEntitlements();

  /** The highest seq written, 0 for an empty ledger. */
  long lastSeq();

  Stats stats();

  @Override
  void close();

  /**
   * End of a tenant's chain: the last receipt's hash and seq, and the last governor state written for the tenant
   * (null when the tenant has only entitlement or action receipts), with the {@code reason} and {@code timestamp} of
   * the receipt that moved the governor into that state (so a governor restored in {@code refusing} knows whether a
   * quarantine or the entitlement put it there, and since when). Those two are null in heads written before they
   * existed.
   */
  record TenantHead(String tenantId, long seq, String hash, String governorState, String governorReason,
      Long governorSince) {

    public TenantHead(String tenantId, long seq, String hash, String governorState) {
      this(tenantId, seq, hash, governorState, null, null);
    }

    public TenantHead advancedBy(Receipt sealed) {
      if (!sealed.type().carriesGovernorState()) {
        return at(sealed.seq(), sealed.hash());
      }
      if (!entersGovernorState(governorState, sealed)) {
        return new TenantHead(tenantId, sealed.seq(), sealed.hash(), governorState, governorReason, governorSince);
      }
      return new TenantHead(tenantId, sealed.seq(), sealed.hash(), sealed.stateTo(), sealed.reason(),
          sealed.timestamp());
    }

    /** The same governor state at another chain end (the store re-linked the tenant's receipts). */
    public TenantHead at(long newSeq, String newHash) {
      return new TenantHead(tenantId, newSeq, newHash, governorState, governorReason, governorSince);
    }

    public static TenantHead first(Receipt sealed) {
      return sealed.type().carriesGovernorState()
          ? new TenantHead(sealed.tenantId(), sealed.seq(), sealed.hash(), sealed.stateTo(), sealed.reason(),
              sealed.timestamp())
          : new TenantHead(sealed.tenantId(), sealed.seq(), sealed.hash(), null);
    }

    /**
     * Whether a governor receipt moves the governor into its {@code state_to}, rather than record a decision that
     * keeps it where it was (a refusal while refusing, ok while stable): its state changes, or differs from the
     * state the head knew (a governor restored without a receipt of its own). Stores that keep heads apart from
     * this record (PostgreSQL) follow the same rule.
     */
    public static boolean entersGovernorState(String headState, Receipt sealed) {
      return !Objects.equals(sealed.stateFrom(), sealed.stateTo()) || !Objects.equals(headState, sealed.stateTo());
    }
  }

  record Stats(long count, long bytesOnDisk) {}
}
