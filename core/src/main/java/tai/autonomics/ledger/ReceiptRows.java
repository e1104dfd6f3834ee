package tai.autonomics.ledger;

import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import tai.autonomics.ledger.RocksLayout.Family;

/**
 * The rows a write of sealed receipts puts in one RocksDB {@code WriteBatch}: each receipt under its tenant + seq key
 * with every index entry that leads to it, and the commit hook's rows, so all of them land together or not at all.
 */
final class ReceiptRows {
  private ReceiptRows() {}

  static void add(WriteBatch write, RocksLayout db, Receipt receipt) throws RocksDBException {
    byte[] prefix = Keys.tenantPrefix(receipt.tenantId());
    byte[] key = Keys.tenantSeq(prefix, receipt.seq());
    write.put(db.handle(Family.RECEIPTS), key, ReceiptCodec.encode(receipt));
    write.put(db.handle(Family.BY_SEQ), Keys.seq(receipt.seq()), prefix);
    if (Ids.seqOf(receipt.id()) != receipt.seq()) {
      // the seq index leads to a receipt whose id names its seq (all the ledger makes): only others need one
      write.put(db.handle(Family.BY_ID), Keys.utf8(receipt.id()), key);
    }
    if (receipt.messageId() != null) {
      write.put(db.handle(Family.BY_MESSAGE_ID), Keys.message(MessageKey.of(receipt)), key);
    }
    if (receipt.type() == ReceiptType.ENTITLEMENT) {
      write.put(db.handle(Family.LATEST_ENTITLEMENT), Keys.entitlement(receipt), key);
    }
  }

  /** The hook's rows in the {@code tlog} family: bytes appended to a tile (a merge) or a value put. */
  static void addSide(WriteBatch write, RocksLayout db, List<CommitHook.Write> rows) throws RocksDBException {
    for (CommitHook.Write row : rows) {
      if (row.append()) {
        write.merge(db.handle(Family.TLOG), row.key(), row.value());
      } else {
        write.put(db.handle(Family.TLOG), row.key(), row.value());
      }
    }
  }
}
