package tai.autonomics.ledger;

import java.util.List;

/**
 * What a store adds to the atomic write of each batch, so it lands with the receipts it covers or not at all: the
 * tenants' Merkle tiles ({@code tai.autonomics.tlog}). Called on the writer thread with the receipts as they will be
 * stored, in order; its writes (a put, or an append to the value at the key) go to a side keyspace (RocksDB: the
 * {@code tlog} column family; PostgreSQL: table {@code tlog}). {@code side} reads it and the receipts as the write
 * sees them (PostgreSQL: in its transaction, so the hook never waits on a connection behind the write's locks); the
 * reader a store's {@code attach} returns reads what is committed, thread-safe.
 */
public interface CommitHook {
  List<Write> adding(List<Receipt> stored, Reader side);

  interface Reader {
    byte[] get(byte[] key);

    /** The tenant's receipts after {@code afterSeq}, in chain order, at most {@code limit}. */
    List<Receipt> page(String tenantId, long afterSeq, int limit);
  }

  record Write(byte[] key, byte[] value, boolean append) {}
}
