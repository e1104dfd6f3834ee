package tai.autonomics.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.LogFile;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The RocksDB database of the ledger with its column families and the native option objects they need, opened
 * together and closed together, never under a running call ({@link #guarded}). {@link RocksReceiptStore} holds the
 * ledger logic; this class holds the handles.
 */
final class RocksLayout implements AutoCloseable {
  /**
   * The column families; {@code default} holds metadata (the layout version). Receipts are stored once, keyed by
   * tenant + seq, so a tenant's page is one range read; {@code by_seq} names the tenant of each seq (ledger order),
   * and the id and messageId indexes lead straight to the receipt's key.
   */
  enum Family {
    DEFAULT, RECEIPTS, BY_SEQ, BY_ID, BY_MESSAGE_ID, TENANT_HEADS, LATEST_ENTITLEMENT, TLOG;

    String cfName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
  /** Layout 5: receipts by tenant + seq in {@link ReceiptCodec}'s form; trees up to their last full level-0 tile. */
  private static final byte[] FORMAT = {5};
  static {
    RocksDB.loadLibrary();
  }

  private final RocksOptions options;
  /** Package-private for LedgerBenchmark, which reads RocksDB's properties. */
  final RocksDB db;
  private final ColumnFamilyHandle[] handles;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  /** Guarded by the lock. */
  private boolean closed;

  private RocksLayout(RocksOptions options, RocksDB db, List<ColumnFamilyHandle> handles) {
    this.options = options;
    this.db = db;
    this.handles = handles.toArray(new ColumnFamilyHandle[0]);
  }

  static RocksLayout open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw new ReceiptStoreException("cannot create the ledger directory " + dir.toAbsolutePath() + ": " + e, e);
    }
    RocksOptions options = new RocksOptions();
    try {
      List<ColumnFamilyDescriptor> descriptors = Arrays.stream(Family.values()).map(family ->
          new ColumnFamilyDescriptor(family.cfName().getBytes(StandardCharsets.US_ASCII), options.of(family))).toList();
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(options.database, dir.toString(), descriptors, handles);
      RocksLayout layout = new RocksLayout(options, db, handles);
      layout.checkFormat(dir);
      return layout;
    } catch (RocksDBException e) {
      options.close();
      String message = String.valueOf(e.getMessage());
      if (message.contains("lock")) {
        throw new ReceiptStoreException("the ledger directory " + dir.toAbsolutePath()
            + " is locked by another process (is another node running on this data directory?): " + message, e);
      }
      throw new ReceiptStoreException("cannot open the ledger at " + dir.toAbsolutePath() + ": " + message, e);
    }
  }

  private void checkFormat(Path dir) throws RocksDBException {
    byte[] format = db.get(handle(Family.DEFAULT), FORMAT_KEY);
    if (format == null) {
      db.put(handle(Family.DEFAULT), options.synced, FORMAT_KEY, FORMAT);
    } else if (!Arrays.equals(format, FORMAT)) {
      close();
      throw new ReceiptStoreException("the ledger at " + dir.toAbsolutePath() + " has an unknown format");
    }
  }

  ColumnFamilyHandle handle(Family family) {
    return handles[family.ordinal()];
  }

  void write(WriteBatch batch, boolean sync) throws RocksDBException {
    db.write(sync ? options.synced : options.unsynced, batch);
  }

  byte[] get(Family family, byte[] key) throws RocksDBException {
    return db.get(handle(family), key);
  }

  /** False only when the key is certainly absent, decided from memory (memtables, bloom filters, cached blocks). */
  boolean mayExist(Family family, byte[] key) {
    return db.keyMayExist(handle(family), key, null);
  }

  RocksIterator iterator(Family family) {
    return db.newIterator(handle(family));
  }

  long lastKeySeq() {
    try (RocksIterator it = iterator(Family.BY_SEQ)) {
      it.seekToLast();
      return it.isValid() ? Keys.seqOf(it.key()) : 0;
    }
  }

  long bytesOnDisk() throws RocksDBException {
    long bytes = db.getAggregatedLongProperty("rocksdb.live-sst-files-size");
    for (LogFile wal : db.getSortedWalFiles()) {
      bytes += wal.sizeFileBytes();
    }
    return bytes;
  }

  Map<String, Long> sstBytesByFamily() throws RocksDBException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Family family : Family.values()) {
      sizes.put(family.cfName(), db.getLongProperty(handle(family), "rocksdb.live-sst-files-size"));
    }
    return sizes;
  }

  void checkpoint(Path target) throws RocksDBException {
    if (Files.exists(target)) {
      throw new ReceiptStoreException("the checkpoint directory " + target.toAbsolutePath() + " exists already");
    }
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new ReceiptStoreException("cannot create the directory of " + target.toAbsolutePath() + ": " + e, e);
    }
    try (Checkpoint checkpoint = Checkpoint.create(db)) {
      checkpoint.createCheckpoint(target.toString());
    }
  }

  void compactAll() throws RocksDBException {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, List.of(handles));
    }
    for (ColumnFamilyHandle handle : handles) {
      db.compactRange(handle);
    }
  }

  @FunctionalInterface
  interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  @FunctionalInterface
  interface RocksRun {
    void run() throws RocksDBException;
  }

  void guarded(String what, RocksRun run) {
    guarded(what, () -> {
      run.run();
      return null;
    });
  }

  /**
   * Runs {@code call} with the database open: a close waits for it, so native handles are never freed under a
   * running call. {@code what} names the call in the exception an operator sees.
   */
  <T> T guarded(String what, RocksCall<T> call) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new ReceiptStoreException("the receipt store is closed");
      }
      return call.call();
    } catch (RocksDBException e) {
      throw new ReceiptStoreException("ledger " + what + " failed: " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        // closing anyway: synced batches are already durable, unsynced ones were never promised to be
      }
      for (ColumnFamilyHandle handle : handles) {
        handle.close();
      }
      db.close();
      options.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
