package tai.autonomics.bench.support.anchors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import tai.autonomics.bench.load.ClosedLoad;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.SyncLoop;

/**
 * The ledger cases' anchor: raw RocksDB with default options in a directory of its own, one column family, no
 * hash chain, no index, no actor. It writes the records it is given (the caller pre-builds them, so building them
 * is not timed) as single puts or WriteBatches, synced ({@code WriteOptions.setSync(true)}) or not, from as many
 * threads as the case it stands beside, and reads them back by key. What the ledger adds on top of this is its
 * own cost.
 */
public final class RawRocks implements AutoCloseable {
  private static final Duration LONG = Duration.ofSeconds(120);

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions synced = new WriteOptions().setSync(true);
  private final WriteOptions unsynced = new WriteOptions().setSync(false);

  private RawRocks(Path dir, Options options, RocksDB db) {
    this.dir = dir;
    this.options = options;
    this.db = db;
  }

  public static RawRocks open(Path dir) {
    Options options = new Options().setCreateIfMissing(true);
    try {
      Files.createDirectories(dir);
      return new RawRocks(dir, options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException | IOException e) {
      options.close();
      throw new IllegalStateException("cannot open raw RocksDB in " + dir, e);
    }
  }

  /** Keys and values to write; record {@code i} is {@code keys[i % n], values[i % n]}. */
  public record Records(byte[][] keys, byte[][] values) {
    public int size() {
      return keys.length;
    }
  }

  /** {@code count} single puts, one after the other on the calling thread, each timed alone. */
  public LoadResult puts(String label, long count, boolean sync, Records records) {
    WriteOptions write = sync ? synced : unsynced;
    return SyncLoop.run(label, count, LONG, i -> {
      int at = (int) (i % records.size());
      try {
        db.put(write, records.keys()[at], records.values()[at]);
        return true;
      } catch (RocksDBException e) {
        return false;
      }
    });
  }

  /**
   * {@code batches} WriteBatches of {@code size} records from {@code threads} threads, closed: each thread writes its
   * next batch once its last one is written. A batch of 1 is a single put through the batch API.
   */
  public LoadResult batches(String label, int threads, long batches, int size, boolean sync, Records records) {
    WriteOptions write = sync ? synced : unsynced;
    AtomicLong next = new AtomicLong();
    ExecutorService writers = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "raw-rocks-writer");
      thread.setDaemon(true);
      return thread;
    });
    try {
      return ClosedLoad.run(ClosedLoad.Settings.of(label, threads, LONG).maxRequests(batches),
          () -> CompletableFuture.supplyAsync(() -> writeBatch(write, size, next.getAndAdd(size), records), writers));
    } finally {
      writers.shutdownNow();
    }
  }

  private boolean writeBatch(WriteOptions write, int size, long first, Records records) {
    try (WriteBatch batch = new WriteBatch()) {
      for (long i = first; i < first + size; i++) {
        int at = (int) (i % records.size());
        batch.put(records.keys()[at], records.values()[at]);
      }
      db.write(write, batch);
      return true;
    } catch (RocksDBException e) {
      return false;
    }
  }

  /** {@code count} gets of {@code keys[order[i]]} on the calling thread; a miss is an error. */
  public LoadResult gets(String label, long count, Records records, long[] order) {
    return SyncLoop.run(label, count, LONG, i -> {
      try {
        return db.get(records.keys()[(int) (order[(int) (i % order.length)] % records.size())]) != null;
      } catch (RocksDBException e) {
        return false;
      }
    });
  }

  /** Flushes the memtable and compacts, then the bytes of every file in the directory (SSTs, WAL, manifest). */
  public long settledBytes() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
      db.compactRange();
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot compact raw RocksDB in " + dir, e);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    db.close();
    synced.close();
    unsynced.close();
    options.close();
  }
}
