package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteOptions;
import tai.autonomics.ledger.RocksLayout.Family;

/**
 * The native option objects of the ledger's database, made for its single writer and its keys, and freed together
 * once the database is closed.
 */
final class RocksOptions implements AutoCloseable {
  /** Memtable per family: small, so an insert's skip-list walk stays in the CPU cache (larger ones cost more CPU). */
  private static final long WRITE_BUFFER_BYTES = 8L << 20;
  /** Block cache shared by all families: hot index and receipt blocks stay uncompressed in memory. */
  private static final long BLOCK_CACHE_BYTES = 64L << 20;

  private final List<AbstractNativeReference> natives = new ArrayList<>();
  final DBOptions database;
  final WriteOptions synced = add(new WriteOptions().setSync(true));
  final WriteOptions unsynced = add(new WriteOptions().setSync(false));
  private final ColumnFamilyOptions families;
  private final ColumnFamilyOptions heads;
  private final ColumnFamilyOptions messageIds;

  RocksOptions() {
    // point reads (by id, messageId, head) find their key through the block's hash index, not a binary search
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockCache(add(new LRUCache(BLOCK_CACHE_BYTES))).setFilterPolicy(add(new BloomFilter(10)))
        .setBlockSize(8 * 1024).setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash);
    // with a merge operator for the tlog family: a tile grows by a few appended hashes, not rewritten (up to 8 KiB)
    families = add(familyOptions(table, false, false).setMergeOperator(add(new StringAppendOperator(""))));
    // heads are overwritten with every batch: updated in place, their memtable stays one entry per tenant
    heads = add(familyOptions(table, true, false));
    // almost every messageId looked up (the dedupe at each append) is new: a memtable filter answers those
    messageIds = add(familyOptions(table, false, true));
    database = add(new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        // one writer (the Ledger): in-place head updates need memtable writes from one thread at a time
        .setAllowConcurrentMemtableWrite(false)
        .setMaxBackgroundJobs(2)
        // several families share the WAL: bound it, so a quiet family cannot pin old WAL files forever
        .setMaxTotalWalSize(256L << 20)
        .setKeepLogFileNum(3)
        .setMaxLogFileSize(4L << 20));
  }

  ColumnFamilyOptions of(Family family) {
    return family == Family.TENANT_HEADS ? heads : family == Family.BY_MESSAGE_ID ? messageIds : families;
  }

  /**
   * LZ4 where data is rewritten often, ZSTD on the bottom level, where it settles; never uncompressed, as a flushed
   * file whose keys overlap no other (the seq index's) is moved to the bottom as it is, and would stay uncompressed.
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

  private <T extends AbstractNativeReference> T add(T resource) {
    natives.add(resource);
    return resource;
  }

  /** Frees the option objects, newest first; only once the database that uses them is closed. */
  @Override
  public void close() {
    for (int i = natives.size() - 1; i >= 0; i--) {
      natives.get(i).close();
    }
  }
}
