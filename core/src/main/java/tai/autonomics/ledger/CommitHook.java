package tai.autonomics.ledger;

import java.util.List;

/**
 * What a store adds to the atomic write of each batch, so it lands with the receipts it covers or not at all: the
 * tenants' Merkle tiles ({@code tai.autonomics.tlog}). Called on the writer thread with the receipts as they will be
 * stored, in order; its writes (a put, or an append to the value at the key) go to a side keyspace (RocksDB: the
 * {@code tlog} column family; PostgreSQL: table {@code tlog}), which {@code side} reads as committed, thread-safe.
 */
public interface CommitHook {
  List<Write> adding(List<Receipt> stored, Reader side);

  interface Reader {
    byte[] get(byte[] key);
  }

  record Write(byte[] key, byte[] value, boolean append) {}
}
