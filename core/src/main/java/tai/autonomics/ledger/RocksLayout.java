package tai.autonomics.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
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
  /** The column families; {@code default} holds metadata (the format version). */
  enum Family {
    META("default"), RECEIPTS("receipts"), BY_ID("by_id"), BY_TENANT("by_tenant"),
    BY_MESSAGE_ID("by_message_id"), HEADS("tenant_heads"), ENTITLEMENTS("latest_entitlement");

    final String cfName;

    Family(String cfName) {
      this.cfName = cfName;
    }
  }

  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FORMAT = {ReceiptCodec.FORMAT};
  /** Block cache shared by all families: hot index and receipt blocks stay uncompressed in memory. */
  private static final long BLOCK_CACHE_BYTES = 64L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final List<AutoCloseable> natives;
  private final RocksDB db;
  private final ColumnFamilyHandle[] handles;
  private final WriteOptions synced;
  private final WriteOptions unsynced;

  private RocksLayout(Path dir, List<AutoCloseable> natives, RocksDB db, List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.natives = natives;
    this.db = db;
    this.handles = handles.toArray(new ColumnFamilyHandle[0]);
    this.synced = track(new WriteOptions().setSync(true));
    this.unsynced = track(new WriteOptions().setSync(false));
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
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache).setFilterPolicy(bloom).setBlockSize(16 * 1024);
      // LZ4 where data is rewritten often, ZSTD (entropy coding: hex and hashes shrink) where it settles
      ColumnFamilyOptions families = add(natives, new ColumnFamilyOptions()
          .setCompressionType(CompressionType.LZ4_COMPRESSION)
          .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
          .setLevelCompactionDynamicLevelBytes(true)
          .setWriteBufferSize(32L << 20)
          .setTableFormatConfig(table));
      DBOptions options = add(natives, new DBOptions()
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setMaxBackgroundJobs(2)
          // several families share the WAL: bound it, so a quiet family cannot pin old WAL files forever
          .setMaxTotalWalSize(256L << 20)
          .setKeepLogFileNum(3)
          .setMaxLogFileSize(4L << 20));
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (Family family : Family.values()) {
        descriptors.add(new ColumnFamilyDescriptor(family.cfName.getBytes(StandardCharsets.US_ASCII), families));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
      RocksLayout layout = new RocksLayout(dir, natives, db, handles);
      layout.checkFormat();
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

  private void checkFormat() throws RocksDBException {
    byte[] format = db.get(handle(Family.META), FORMAT_KEY);
    if (format == null) {
      db.put(handle(Family.META), synced, FORMAT_KEY, FORMAT);
    } else if (format.length != 1 || format[0] != ReceiptCodec.FORMAT) {
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

  List<byte[]> multiGet(Family family, List<byte[]> keys) throws RocksDBException {
    if (keys.isEmpty()) {
      return List.of();
    }
    return db.multiGetAsList(Collections.nCopies(keys.size(), handle(family)), keys);
  }

  RocksIterator iterator(Family family) {
    return db.newIterator(handle(family));
  }

  void checkIterator(RocksIterator it) throws RocksDBException {
    it.status();
  }

  /** The seq of the last stored receipt, 0 for an empty ledger. */
  long lastKeySeq() {
    try (RocksIterator it = iterator(Family.RECEIPTS)) {
      it.seekToLast();
      return it.isValid() ? Keys.seqOf(it.key(), 0) : 0;
    }
  }

  long liveSstBytes() throws RocksDBException {
    long bytes = 0;
    for (long size : sstBytesByFamily().values()) {
      bytes += size;
    }
    return bytes;
  }

  Map<String, Long> sstBytesByFamily() throws RocksDBException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Family family : Family.values()) {
      sizes.put(family.cfName, db.getLongProperty(handle(family), "rocksdb.live-sst-files-size"));
    }
    return sizes;
  }

  List<LogFile> walFiles() throws RocksDBException {
    return db.getSortedWalFiles();
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

  private <T extends AutoCloseable> T track(T resource) {
    natives.add(resource);
    return resource;
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
