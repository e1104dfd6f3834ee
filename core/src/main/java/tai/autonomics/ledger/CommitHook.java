package tai.autonomics.ledger;

import java.util.List;

/**
 * What a store adds to the atomic write of each batch, so it lands with the receipts it covers or not at all: the
 * tenants' Merkle tiles ({@code tai.autonomics.tlog}). Called on the writer thread with the receipts as they will be
 * stored, in order; its writes (a put, or an append to the value at the key) go to a side keyspace (RocksDB: the
 * {@code tlog} column family; PostgreSQL: table {@code tlog}), which {@code side} reads, with the receipts, as the
 * write sees them; the reader a store's {@code attach} returns reads what is committed, thread-safe.
 */
public interface CommitHook {
  List<Write> adding(List<Receipt> stored, Reader side);

  interface Reader {
    byte[] get(byte[] key);

    /**
     * The tenant's receipts with {@code seq > afterSeq}, in chain order, at most {@code limit}, read as the write
     * sees them: inside its transaction where it has one (PostgreSQL, whose transaction may already hold the batch's
     * own receipts), so the hook never waits on another connection while the write holds its locks.
     */
    List<Receipt> page(String tenantId, long afterSeq, int limit);
  }

  record Write(byte[] key, byte[] value, boolean append) {}
}
