package tai.autonomics.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.LogFile;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database of the ledger with its column families and the native option objects they need, opened
 * together and closed together. {@link RocksReceiptStore} holds the ledger logic; this class holds the handles.
 */
final class RocksLayout implements AutoCloseable {
  /**
   * The column families; {@code default} holds metadata (the layout version). Receipts are stored once, keyed by
   * tenant + seq, so a tenant's page is one range read; {@code by_seq} names the tenant of each seq (ledger order),
   * and the id and messageId indexes lead straight to the receipt's key.
   */
  enum Family {
    DEFAULT, RECEIPTS, BY_SEQ, BY_ID, BY_MESSAGE_ID, TENANT_HEADS, LATEST_ENTITLEMENT;

    String cfName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
  /** Layout 2: receipts keyed by tenant + seq, values in {@link ReceiptCodec}'s format. */
  private static final byte[] FORMAT = {2};
  /** Memtable per family: small, so an insert's skip-list walk stays in the CPU cache (32 MiB: twice the CPU). */
  private static final long WRITE_BUFFER_BYTES = 8L << 20;
  /** Block cache shared by all families: hot index and receipt blocks stay uncompressed in memory. */
  private static final long BLOCK_CACHE_BYTES = 64L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final List<AutoCloseable> natives;
  private final RocksDB db;
  private final ColumnFamilyHandle[] handles;
  private final WriteOptions synced;
  private final WriteOptions unsynced;

  private RocksLayout(List<AutoCloseable> natives, RocksDB db, List<ColumnFamilyHandle> handles) {
    this.natives = natives;
    this.db = db;
    this.handles = handles.toArray(new ColumnFamilyHandle[0]);
    this.synced = add(natives, new WriteOptions().setSync(true));
    this.unsynced = add(natives, new WriteOptions().setSync(false));
  }

  static RocksLayout open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw new ReceiptStoreException("cannot create the ledger directory " + dir.toAbsolutePath() + ": " + e, e);
    }
    List<AutoCloseable> natives = new ArrayList<>();
    try {
      LRUCache cache = add(natives, new LRUCache(BLOCK_CACHE_BYTES));
      BloomFilter bloom = add(natives, new BloomFilter(10));
      // point reads (by id, messageId, head) find their key through the block's hash index, not a binary search
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache).setFilterPolicy(bloom).setBlockSize(8 * 1024)
          .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash);
      ColumnFamilyOptions families = add(natives, familyOptions(table, false, false));
      // heads are overwritten with every batch: updated in place, their memtable stays one entry per tenant
      ColumnFamilyOptions heads = add(natives, familyOptions(table, true, false));
      // almost every messageId looked up (the dedupe at each append) is new: a memtable filter answers those
      ColumnFamilyOptions messageIds = add(natives, familyOptions(table, false, true));
      DBOptions options = add(natives, new DBOptions()
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          // one writer (the Ledger): in-place head updates need memtable writes from one thread at a time
          .setAllowConcurrentMemtableWrite(false)
          .setMaxBackgroundJobs(2)
          // several families share the WAL: bound it, so a quiet family cannot pin old WAL files forever
          .setMaxTotalWalSize(256L << 20)
          .setKeepLogFileNum(3)
          .setMaxLogFileSize(4L << 20));
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (Family family : Family.values()) {
        descriptors.add(new ColumnFamilyDescriptor(family.cfName().getBytes(StandardCharsets.US_ASCII),
            family == Family.TENANT_HEADS ? heads : family == Family.BY_MESSAGE_ID ? messageIds : families));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
      RocksLayout layout = new RocksLayout(natives, db, handles);
      layout.checkFormat(dir);
      return layout;
    } catch (RocksDBException e) {
      closeAll(natives);
      String message = String.valueOf(e.getMessage());
      if (message.contains("lock")) {
        throw new ReceiptStoreException("the ledger directory " + dir.toAbsolutePath()
            + " is locked by another process (is another node running on this data directory?): " + message, e);
      }
      throw new ReceiptStoreException("cannot open the ledger at " + dir.toAbsolutePath() + ": " + message, e);
    }
  }

  /**
   * LZ4 where data is rewritten often, ZSTD on the bottom level, where it settles. Not uncompressed on L0 and L1: a
   * file whose keys overlap no other (every flush of the seq index, whose keys only grow) is moved down as it is and
   * would stay uncompressed for good (twice the bytes per receipt).
   */
  private static ColumnFamilyOptions familyOptions(BlockBasedTableConfig table, boolean inPlace,
      boolean memtableFilter) {
    return new ColumnFamilyOptions()
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
        .setLevelCompactionDynamicLevelBytes(true)
        .setWriteBufferSize(WRITE_BUFFER_BYTES)
        .setInplaceUpdateSupport(inPlace)
        // a lookup of a key that is not there skips the memtable's skip list; a key that is there pays a probe more
        .setMemtablePrefixBloomSizeRatio(memtableFilter ? 0.05 : 0)
        .setMemtableWholeKeyFiltering(memtableFilter)
        .setTableFormatConfig(table);
  }

  private void checkFormat(Path dir) throws RocksDBException {
    byte[] format = db.get(handle(Family.DEFAULT), FORMAT_KEY);
    if (format == null) {
      db.put(handle(Family.DEFAULT), synced, FORMAT_KEY, FORMAT);
    } else if (!Arrays.equals(format, FORMAT)) {
      close();
      throw new ReceiptStoreException("the ledger at " + dir.toAbsolutePath() + " has an unknown format");
    }
  }

  ColumnFamilyHandle handle(Family family) {
    return handles[family.ordinal()];
  }

  void write(WriteBatch batch, boolean sync) throws RocksDBException {
    db.write(sync ? synced : unsynced, batch);
  }

  byte[] get(Family family, byte[] key) throws RocksDBException {
    return db.get(handle(family), key);
  }

  /** False only when the key is certainly absent, decided from memory (memtables, bloom filters, cached blocks). */
  boolean mayExist(Family family, byte[] key) {
    return db.keyMayExist(handle(family), key, null);
  }

  List<byte[]> multiGet(Family family, List<byte[]> keys) throws RocksDBException {
    if (keys.isEmpty()) {
      return List.of();
    }
    return db.multiGetAsList(Collections.nCopies(keys.size(), handle(family)), keys);
  }

  RocksIterator iterator(Family family) {
    return db.newIterator(handle(family));
  }

  /** The seq of the last stored receipt, 0 for an empty ledger. */
  long lastKeySeq() {
    try (RocksIterator it = iterator(Family.BY_SEQ)) {
      it.seekToLast();
      return it.isValid() ? Keys.seqOf(it.key()) : 0;
    }
  }

  /** The live SST files of every family plus the WAL. */
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

  /** Flushes and compactions running or due, all families: 0 when RocksDB has no background work left. */
  long backgroundWork() throws RocksDBException {
    return db.getAggregatedLongProperty("rocksdb.compaction-pending")
        + db.getAggregatedLongProperty("rocksdb.mem-table-flush-pending")
        + db.getLongProperty("rocksdb.num-running-compactions") + db.getLongProperty("rocksdb.num-running-flushes");
  }

  /**
   * A consistent copy of the whole database in {@code target} (which must not exist yet): SST files are hard-linked
   * where the file system allows, the rest copied; the copy opens as a database of its own.
   */
  void checkpoint(Path target) throws RocksDBException {
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

  @Override
  public void close() {
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      // closing anyway: synced batches are already durable, unsynced ones were never promised to be
    }
    for (ColumnFamilyHandle handle : handles) {
      handle.close();
    }
    db.close();
    closeAll(natives);
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> natives, T resource) {
    natives.add(resource);
    return resource;
  }

  private static void closeAll(List<AutoCloseable> natives) {
    for (int i = natives.size() - 1; i >= 0; i--) {
      try {
        natives.get(i).close();
      } catch (Exception e) {
        // native option objects only free memory here; nothing to report
      }
    }
  }
}
