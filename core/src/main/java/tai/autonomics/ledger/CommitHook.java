package tai.autonomics.ledger;

import java.util.List;

/**
 * What a store adds to the atomic write of each batch, so that it lands with the receipts it covers or not at all:
 * the tenants' Merkle tiles ({@code tai.autonomics.tlog}). The store calls it on its writer thread with the receipts
 * as they will be stored, in order, and a side keyspace of its own (RocksDB: the {@code tlog} column family).
 */
@FunctionalInterface
public interface CommitHook {
  /** Adds to the pending write of {@code stored}; {@code side} reads what is committed, not this write. */
  void adding(List<Receipt> stored, Side side);

  /** The side keyspace as committed; reads are thread-safe. */
  interface Reader {
    byte[] get(byte[] key);
  }

  /** The side keyspace during a write: puts and appends join the write. */
  interface Side extends Reader {
    void put(byte[] key, byte[] value);

    /** Appends {@code bytes} to the value at {@code key} (an absent one is empty). */
    void append(byte[] key, byte[] bytes);
  }
}
