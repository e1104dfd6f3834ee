package tai.autonomics.bench.support.anchors;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;

/**
 * The ledger suite's anchors: a fresh {@link RawRocks} per use under one directory, fed the suite's own receipts
 * (sealed, as id -> canonical JSON, built before any timing), all closed with the suite.
 */
public final class RawLedger implements AutoCloseable {
  private final Path dir;
  private final LongFunction<Receipt> drafts;
  private final List<RawRocks> opened = new ArrayList<>();
  private final AtomicLong names = new AtomicLong();

  /** {@code drafts} gives receipt {@code i} as the suite writes it (before sealing). */
  public RawLedger(Path dir, LongFunction<Receipt> drafts) {
    this.dir = dir;
    this.drafts = drafts;
  }

  /** Raw RocksDB in a directory of its own. */
  public synchronized RawRocks open() {
    RawRocks raw = RawRocks.open(dir.resolve("raw-" + names.incrementAndGet()));
    opened.add(raw);
    return raw;
  }

  /** {@code count} of the suite's receipts, sealed, as raw RocksDB would hold them. */
  public RawRocks.Records records(int count) {
    byte[][] keys = new byte[count][];
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      Receipt sealed = ReceiptHasher.seal(drafts.apply(i), i + 1, Receipt.GENESIS_HASH);
      keys[i] = sealed.id().getBytes(StandardCharsets.UTF_8);
      values[i] = ReceiptHasher.canonicalJson(sealed).getBytes(StandardCharsets.UTF_8);
    }
    return new RawRocks.Records(keys, values);
  }

  /** Gets by id in the case's order over a fresh store holding {@code receipts} receipts, warmed as the case is. */
  public LoadResult gets(String label, int receipts, int reads, long[] order) {
    RawRocks raw = open();
    RawRocks.Records records = records(receipts);
    raw.batches("raw fill", 1, (receipts + 499) / 500, 500, false, records);
    raw.gets("raw warm-up", reads, records, order);
    return raw.gets(label, reads, records, order);
  }

  @Override
  public synchronized void close() {
    opened.forEach(RawRocks::close);
  }
}
