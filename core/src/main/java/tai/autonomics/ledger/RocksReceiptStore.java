package tai.autonomics.ledger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import tai.autonomics.ledger.RocksLayout.Family;

/**
 * The durable {@link ReceiptStore}: RocksDB with a column family for the receipts (keyed by tenant + seq) and one
 * for each index (seq, messageId, tenant head, latest entitlement; id only for ids that do not name their seq). A
 * batch is one {@code WriteBatch}, so a receipt and every index entry that leads to it appear together or not at
 * all; {@code sync} fsyncs the WAL. Reads are thread-safe and go straight to RocksDB.
 */
public final class RocksReceiptStore implements ReceiptStore {
  private final RocksLayout db;
  /** Tenant heads as last written, so a group commit needs no lookup; only {@link #append} writes them. */
  private final Map<String, TenantHead> heads = new ConcurrentHashMap<>();
  private volatile long lastSeq;
  private volatile CommitHook hook = (stored, side) -> List.of();
  private final CommitHook.Reader tlog;

  private RocksReceiptStore(RocksLayout db) {
    this.db = db;
    this.tlog = new CommitHook.Reader() {
      @Override
      public byte[] get(byte[] key) {
        return read(() -> db.get(Family.TLOG, key));
      }

      @Override
      public List<Receipt> page(String tenantId, long afterSeq, int limit) {
        return RocksReceiptStore.this.page(tenantId, afterSeq, limit);
      }
    };
    this.lastSeq = db.lastKeySeq();
  }

  /** Opens (or creates) the ledger in {@code dir}; a clear {@link ReceiptStoreException} when it cannot. */
  public static RocksReceiptStore open(Path dir) {
    return new RocksReceiptStore(RocksLayout.open(dir));
  }

  @Override
  public void append(List<Receipt> batch, boolean sync) {
    if (batch.isEmpty()) {
      return;
    }
    db.guarded("write", () -> {
      long expected = lastSeq;
      Map<String, TenantHead> written = new HashMap<>();
      try (WriteBatch write = new WriteBatch()) {
        for (Receipt receipt : batch) {
          if (!receipt.isSealed() || receipt.id() == null || receipt.seq() == null) {
            throw new IllegalArgumentException("receipt is not sealed: " + receipt);
          }
          if (receipt.seq() != ++expected) {
            throw new IllegalArgumentException("seq " + receipt.seq() + " does not follow " + (expected - 1));
          }
          ReceiptRows.add(write, db, receipt);
          TenantHead previous = written.containsKey(receipt.tenantId())
              ? written.get(receipt.tenantId()) : readHead(receipt.tenantId()).orElse(null);
          written.put(receipt.tenantId(), previous == null ? TenantHead.first(receipt) : previous.advancedBy(receipt));
        }
        for (TenantHead head : written.values()) {
          write.put(db.handle(Family.TENANT_HEADS), Keys.utf8(head.tenantId()), ReceiptCodec.encodeHead(head));
        }
        ReceiptRows.addSide(write, db, hook.adding(batch, tlog));
        db.write(write, sync);
      }
      heads.putAll(written);
      lastSeq = expected;
    });
  }

  /** One hook at a time (the node's tlog); reads of the {@code tlog} family go straight to RocksDB. */
  @Override
  public Optional<CommitHook.Reader> attach(CommitHook commitHook) {
    hook = commitHook;
    return Optional.of(tlog);
  }

  /** Through the seq the id names (a ledger-made id), else the id index. */
  @Override
  public Optional<Receipt> get(String id) {
    return read(() -> {
      long seq = Ids.seqOf(id);
      byte[] tenant = seq > 0 && seq <= lastSeq ? db.get(Family.BY_SEQ, Keys.seq(seq)) : null;
      if (tenant != null) {
        Receipt atSeq = receiptAt(Keys.tenantSeq(tenant, seq), "seq index");
        if (atSeq.id().equals(id)) {
          return Optional.of(atSeq);
        }
      }
      byte[] key = db.get(Family.BY_ID, Keys.utf8(id));
      return key == null ? Optional.<Receipt>empty() : Optional.of(receiptAt(key, "id index"));
    });
  }

  @Override
  public Optional<Receipt> findByMessageId(MessageKey message) {
    return read(() -> {
      byte[] key = db.get(Family.BY_MESSAGE_ID, Keys.message(message));
      return key == null ? Optional.<Receipt>empty()
          : Optional.of(receiptAt(key, "messageId index")).filter(found -> message.equals(MessageKey.of(found)));
    });
  }

  @Override
  public boolean mayContainMessageId(MessageKey message) {
    return read(() -> db.mayExist(Family.BY_MESSAGE_ID, Keys.message(message)));
  }

  /** One range read: a tenant's receipts are stored next to each other, in chain order. */
  @Override
  public List<Receipt> page(String tenantId, long afterSeq, int limit) {
    if (limit <= 0 || afterSeq == Long.MAX_VALUE) {
      return List.of();
    }
    byte[] prefix = Keys.tenantPrefix(tenantId);
    return read(() -> {
      List<Receipt> page = new ArrayList<>(Math.min(limit, 1024));
      try (RocksIterator it = db.iterator(Family.RECEIPTS)) {
        it.seek(Keys.tenantSeq(prefix, Math.max(afterSeq + 1, 0)));
        // the prefix holds the tenant's length, so a key that starts with it is this tenant's, never a longer one's
        for (; it.isValid() && page.size() < limit && Keys.startsWith(it.key(), prefix); it.next()) {
          page.add(decode(Keys.seqOfTenantKey(it.key()), it.value(), "receipts"));
        }
        it.status();
      }
      return Collections.unmodifiableList(page);
    });
  }

  /**
   * Ledger order through the seq index. A seq whose receipt is not stored (deleted behind the ledger's back) is
   * left out, so verification sees the gap in seq and names it.
   */
  @Override
  public List<Receipt> scan(long afterSeq, int limit) {
    if (limit <= 0 || afterSeq == Long.MAX_VALUE) {
      return List.of();
    }
    return read(() -> {
      List<Receipt> out = new ArrayList<>(Math.min(limit, 1024));
      try (RocksIterator it = db.iterator(Family.BY_SEQ)) {
        for (it.seek(Keys.seq(Math.max(afterSeq + 1, 0))); it.isValid() && out.size() < limit; it.next()) {
          long seq = Keys.seqOf(it.key());
          byte[] value = db.get(Family.RECEIPTS, Keys.tenantSeq(it.value(), seq));
          if (value != null) {
            out.add(decode(seq, value, "receipts"));
          }
        }
        it.status();
      }
      return Collections.unmodifiableList(out);
    });
  }

  @Override
  public Optional<TenantHead> head(String tenantId) {
    return read(() -> readHead(tenantId));
  }

  private Optional<TenantHead> readHead(String tenantId) throws RocksDBException {
    TenantHead cached = heads.get(tenantId);
    if (cached == null) {
      byte[] value = db.get(Family.TENANT_HEADS, Keys.utf8(tenantId));
      cached = value == null ? null : heads.computeIfAbsent(tenantId, t -> ReceiptCodec.decodeHead(t, value));
    }
    return Optional.ofNullable(cached);
  }

  @Override
  public List<Receipt> latestEntitlements() {
    return read(() -> {
      List<Receipt> out = new ArrayList<>();
      try (RocksIterator it = db.iterator(Family.LATEST_ENTITLEMENT)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          out.add(receiptAt(it.value(), "entitlement index"));
        }
        it.status();
      }
      return List.copyOf(out);
    });
  }

  @Override
  public long lastSeq() {
    return lastSeq;
  }

  /** {@code count} is the last seq (seqs are gap-free from 1); bytes are the live SST files plus the WAL. */
  @Override
  public Stats stats() {
    return read(() -> new Stats(lastSeq, db.bytesOnDisk()));
  }

  /**
   * A consistent copy of the ledger, taken while it runs, in {@code target} (which must not exist; its parent is
   * created): it holds every receipt acknowledged before the call, as hard links on one file system; {@link #open}
   * opens it as a ledger of its own.
   */
  @Override
  public void checkpoint(Path target) {
    db.guarded("checkpoint", () -> db.checkpoint(target));
  }

  /** Flushes the memtables, compacts every family fully and gives each one's SST bytes: the real cost of an index. */
  public Map<String, Long> compactedBytesByFamily() {
    db.guarded("compaction", db::compactAll);
    return read(db::sstBytesByFamily);
  }

  /** Tamper tests change stored bytes through it, as an attacker with disk access could. */
  RocksLayout layout() {
    return db;
  }

  private Receipt receiptAt(byte[] key, String index) throws RocksDBException {
    return decode(Keys.seqOfTenantKey(key), db.get(Family.RECEIPTS, key), index);
  }

  private static Receipt decode(long seq, byte[] value, String foundThrough) {
    if (value == null) {
      throw new CorruptReceiptException(seq, "the " + foundThrough + " names it but it is not stored");
    }
    try {
      return ReceiptCodec.decode(seq, value);
    } catch (IllegalArgumentException e) {
      throw new CorruptReceiptException(seq, e.getMessage());
    }
  }

  @Override
  public void close() {
    db.close();
  }

  private <T> T read(RocksLayout.RocksCall<T> call) {
    return db.guarded("read", call);
  }
}
