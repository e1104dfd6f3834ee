package tai.autonomics.bench;

import tai.autonomics.node.AskAnswers;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.load.ClosedLoad;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.SyncLoop;
import tai.autonomics.bench.support.BenchStores;
import tai.autonomics.bench.support.anchors.RawLedger;
import tai.autonomics.bench.support.anchors.RawRocks;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.ledger.RocksReceiptStore;

/**
 * Cases 13-18: the receipt ledger. Each case opens its own store (RocksDB in a temporary directory when the build
 * has it, else memory; the result names it). Writes go through the real Ledger actor (seal, hash chain, group
 * commit) unless a case measures the store call itself; reads go straight to the store, as the HTTP routes read.
 * Beside each case, its anchor: {@link RawRocks} writing the same receipts' canonical JSON under their ids (synced
 * WriteBatches of the case's batch size from its number of threads, or unsynced puts) and reading them back
 * ({@link RawLedger}).
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class ReceiptLedgerBench {
  private static final String SUITE = "receipt_ledger";
  private static final Duration LONG = Duration.ofSeconds(120);
  private static final Duration ASK = Duration.ofSeconds(30);
  private static final BenchProfile PROFILE = BenchProfile.current();

  @TempDir
  static Path dataDir;

  private static ActorTestKit testKit;
  private static final List<ReceiptStore> stores = new ArrayList<>();
  private static RawLedger raw;
  private static final AtomicLong names = new AtomicLong();

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("ledger-bench", ConfigFactory.parseString("pekko.loglevel = WARNING")
        .withFallback(ConfigFactory.load()));
    raw = new RawLedger(dataDir, i -> draft("tenant-" + (i % 10), i));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    stores.forEach(ReceiptStore::close);
    raw.close();
  }

  private static final String PUT = "raw RocksDB put, unsynced";
  private static final String GET = "raw RocksDB get";

  private record Opened(BenchStores.Opened store, ActorRef<Ledger.Command> ledger) {}

  private static BenchStores.Opened store(String durability) {
    Config config = ConfigFactory.parseString("autonomics.ledger.durability = " + durability)
        .withFallback(ConfigFactory.load());
    BenchStores.Opened opened = BenchStores.open(config, dataDir.resolve("store-" + names.incrementAndGet()));
    stores.add(opened.store());
    return opened;
  }

  private static Opened ledger(String durability) {
    BenchStores.Opened opened = store(durability);
    ActorRef<Ledger.Command> ledger = testKit.spawn(
        Ledger.create(opened.store(), LedgerSettings.create(opened.config())), "ledger-" + names.incrementAndGet(),
        DispatcherSelector.fromConfig("autonomics.ledger.dispatcher"));
    return new Opened(opened, ledger);
  }

  /** A transition receipt as a governor writes it: signal, states, policy, a Pub/Sub messageId. */
  static Receipt draft(String tenant, long n) {
    return Receipt.draft(ReceiptType.TRANSITION, tenant)
        .states("stable", n % 10 == 0 ? "warning" : "stable")
        .reason(n % 10 == 0 ? "cpu above 60" : "ok")
        .signal("cpu", (double) (n % 100), System.currentTimeMillis())
        .messageId("msg-" + tenant + "-" + n)
        .policy("base@3f2a9c1d")
        .build();
  }

  private static CompletionStage<Receipt> append(ActorRef<Ledger.Command> ledger, Receipt draft) {
    return AskAnswers.on(AskPattern.<Ledger.Command, StatusReply<Receipt>>ask(ledger,
        replyTo -> new Ledger.Append(draft, replyTo), ASK, testKit.system().scheduler()),
        testKit.system().executionContext()).thenApply(StatusReply::getValue);
  }

  private static List<Receipt> appendBatch(ActorRef<Ledger.Command> ledger, List<Receipt> drafts) {
    return AskAnswers.on(AskPattern.<Ledger.Command, StatusReply<List<Receipt>>>ask(ledger,
        replyTo -> new Ledger.AppendBatch(drafts, replyTo), ASK, testKit.system().scheduler()),
        testKit.system().executionContext()).thenApply(StatusReply::getValue).toCompletableFuture().join();
  }

  private static CaseResult result(String name, BenchStores.Opened store) {
    return CaseResult.of(SUITE, name).param("store", store.kind());
  }

  @Test
  void bench_write_latency() {
    int count = PROFILE.pick(10_000, 5000);
    // the write itself: seal (id, seq, prev_hash, JCS + SHA-256) and one store append, unsynced, on this thread
    BenchStores.Opened direct = store("off");
    Map<String, String> heads = new HashMap<>();
    AtomicLong seq = new AtomicLong(direct.store().lastSeq());
    java.util.function.LongPredicate write = i -> {
      String tenant = "tenant-" + (i % 10);
      Receipt sealed = ReceiptHasher.seal(draft(tenant, i), seq.incrementAndGet(),
          heads.getOrDefault(tenant, Receipt.GENESIS_HASH));
      direct.store().append(List.of(sealed), false);
      heads.put(tenant, sealed.hash());
      return true;
    };
    SyncLoop.run("warm-up", 2000, LONG, write);
    LoadResult load = SyncLoop.run("seal+append, unsynced", count, LONG, i -> write.test(i + 1_000_000));
    // the same through the Ledger actor, answered once written: unsynced, then fsynced (the durable figure)
    Opened off = ledger("off");
    AtomicLong n = new AtomicLong();
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", 1, LONG).maxRequests(1000),
        () -> append(off.ledger(), draft("warm", n.incrementAndGet())).thenApply(Receipt::isSealed));
    LoadResult viaActor = ClosedLoad.run(ClosedLoad.Settings.of("ledger actor, durability off", 1, LONG)
        .maxRequests(count), () -> append(off.ledger(), draft("t", n.incrementAndGet())).thenApply(Receipt::isSealed));
    Opened synced = ledger("fsync");
    LoadResult durable = ClosedLoad.run(ClosedLoad.Settings.of("ledger actor, durability fsync", 1, LONG)
        .maxRequests(PROFILE.pick(2000, 500)),
        () -> append(synced.ledger(), draft("t", n.incrementAndGet())).thenApply(Receipt::isSealed));
    CaseResult r = result("bench_write_latency", direct).param("appends", count).param("durability", "off")
        .load(load).part(viaActor).part(durable)
        .metric("ledger_actor_p99_us", viaActor.percentileMicros(99))
        .metric("durable_p99_us", durable.percentileMicros(99))
        .metric("durable_throughput", durable.throughput());
    RawRocks rocks = raw.open();
    RawRocks.Records records = raw.records(count);
    rocks.puts("raw warm-up", 2000, false, records);
    LoadResult rawPuts = rocks.puts(PUT, count, false, records);
    LoadResult rawSynced = rocks.batches("raw RocksDB WriteBatch of 1, synced", 1, PROFILE.pick(2000, 500), 1, true,
        records);
    r.part(rawPuts).part(rawSynced)
        .anchor(PUT, "p99_us", load.percentileMicros(99), rawPuts.percentileMicros(99))
        .anchor(PUT, "throughput", load.throughput(), rawPuts.throughput())
        .anchor(PUT, "ledger_actor_p99_us", viaActor.percentileMicros(99), rawPuts.percentileMicros(99))
        .anchor("raw RocksDB WriteBatch of 1, synced", "durable_p99_us", durable.percentileMicros(99),
            rawSynced.percentileMicros(99))
        .anchor("raw RocksDB WriteBatch of 1, synced", "durable_throughput", durable.throughput(),
            rawSynced.throughput());
    r.holds("every append written", "errors", load.errors() == 0 && viaActor.errors() == 0 && durable.errors() == 0);
    r.below("p99 < 50 us", "p99_us", load.percentileMicros(99), 50);
    r.above("> 10k ops/s", "throughput", load.throughput(), 10_000);
    r.finish();
  }

  @Test
  void bench_concurrent_writes() {
    int writers = 10;
    int each = PROFILE.pick(1000, 500);
    Opened opened = ledger("off");
    AtomicLong n = new AtomicLong();
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("10 writers", writers, LONG).perWorker(each),
        worker -> () -> append(opened.ledger(), draft("writer-" + worker, n.incrementAndGet()))
            .thenApply(Receipt::isSealed));
    ReceiptStore store = opened.store().store();
    List<Receipt> all = store.scan(0, writers * each + 1);
    Set<String> ids = new HashSet<>();
    boolean gapFree = true;
    for (int i = 0; i < all.size(); i++) {
      ids.add(all.get(i).id());
      gapFree &= all.get(i).seq() == i + 1;
    }
    boolean chains = true;
    for (int w = 0; w < writers; w++) {
      ChainVerifier.Result verified = ChainVerifier.verifyTenant(store, "writer-" + w);
      chains &= verified.valid() && verified.count() == each;
    }
    CaseResult r = result("bench_concurrent_writes", opened.store()).param("writers", writers)
        .param("appends_per_writer", each).param("durability", "off").load(load)
        .metric("stored", all.size()).metric("unique_ids", ids.size());
    LoadResult rawPuts = raw.open().batches("raw RocksDB put from 10 threads, unsynced", writers,
        (long) writers * each, 1, false, raw.records(writers * each));
    r.part(rawPuts).anchor("raw RocksDB put from 10 threads, unsynced", "throughput", load.throughput(),
        rawPuts.throughput());
    r.holds("no lost, duplicated or mis-chained receipt", "integrity", load.errors() == 0
        && all.size() == writers * each && ids.size() == all.size() && gapFree && chains);
    r.above("> 50k total ops/s", "throughput", load.throughput(), 50_000);
    r.finish();
  }

  private static List<Receipt> fill(Opened opened, int count) {
    List<Receipt> written = new ArrayList<>(count);
    for (int start = 0; start < count; start += 500) {
      List<Receipt> drafts = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + 500); i++) {
        drafts.add(draft("tenant-" + (i % 20), i));
      }
      written.addAll(appendBatch(opened.ledger(), drafts));
    }
    return written;
  }

  @Test
  void bench_read_performance() {
    int count = PROFILE.pick(10_000, 5000);
    Opened opened = ledger("off");
    List<Receipt> written = fill(opened, count);
    ReceiptStore store = opened.store().store();
    long[] order = ThreadLocalRandom.current().longs(count, 0, count).toArray();
    SyncLoop.run("warm-up", count, LONG, i -> store.get(written.get((int) order[(int) i]).id()).isPresent());
    LoadResult load = SyncLoop.run("get by id", count, LONG,
        i -> store.get(written.get((int) order[(int) i]).id()).isPresent());
    CaseResult r = result("bench_read_performance", opened.store()).param("receipts", count).param("reads", count)
        .load(load);
    LoadResult rawGets = raw.gets(GET, count, count, order);
    r.part(rawGets).anchor(GET, "p99_us", load.percentileMicros(99), rawGets.percentileMicros(99))
        .anchor(GET, "throughput", load.throughput(), rawGets.throughput());
    r.holds("every receipt found", "errors", load.errors() == 0 && load.ok() == count);
    r.below("p99 < 20 us", "p99_us", load.percentileMicros(99), 20);
    r.above("> 100k reads/s", "throughput", load.throughput(), 100_000);
    r.finish();
  }

  @Test
  void bench_index_lookups() {
    int receipts = PROFILE.pick(10_000, 5000);
    int lookups = 5000;
    Opened opened = ledger("off");
    List<Receipt> written = fill(opened, receipts);
    ReceiptStore store = opened.store().store();
    long[] order = ThreadLocalRandom.current().longs(lookups, 0, receipts).toArray();
    SyncLoop.run("warm-up", lookups, LONG, i -> store.get(written.get((int) order[(int) i]).id()).isPresent());
    LoadResult byId = SyncLoop.run("by id", lookups, LONG,
        i -> store.get(written.get((int) order[(int) i]).id()).isPresent());
    LoadResult byMessage = SyncLoop.run("by messageId", lookups, LONG, i -> {
      Receipt expected = written.get((int) order[(int) i]);
      return store.findByMessageId(MessageKey.of(expected)).map(found -> found.id().equals(expected.id())).orElse(false);
    });
    LoadResult byTenant = SyncLoop.run("tenant page of 50", lookups, LONG, i -> {
      Receipt from = written.get((int) order[(int) i]);
      return !store.page(from.tenantId(), Math.max(0, from.seq() - 1), 50).isEmpty();
    });
    CaseResult r = result("bench_index_lookups", opened.store()).param("receipts", receipts)
        .param("lookups_per_index", lookups).load(byId).part(byMessage).part(byTenant)
        .metric("message_id_p99_us", byMessage.percentileMicros(99))
        .metric("tenant_page_p99_us", byTenant.percentileMicros(99));
    LoadResult rawGets = raw.gets(GET, receipts, lookups, order);
    r.part(rawGets).anchor(GET, "p99_us", byId.percentileMicros(99), rawGets.percentileMicros(99));
    r.holds("every lookup found its receipt", "errors",
        byId.errors() + byMessage.errors() + byTenant.errors() == 0);
    r.below("p99 < 15 us (id)", "p99_us", byId.percentileMicros(99), 15);
    r.finish();
  }

  @Test
  void bench_batch_operations() {
    int batches = PROFILE.pick(100, 50);
    int size = 100;
    Opened opened = ledger("fsync");
    AtomicLong n = new AtomicLong();
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("batches of 100", 1, LONG).maxRequests(batches), () -> {
      List<Receipt> drafts = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        drafts.add(draft("tenant-" + (i % 10), n.incrementAndGet()));
      }
      return AskAnswers.on(AskPattern.<Ledger.Command, StatusReply<List<Receipt>>>ask(opened.ledger(),
          replyTo -> new Ledger.AppendBatch(drafts, replyTo), ASK, testKit.system().scheduler()),
          testKit.system().executionContext()).thenApply(reply -> reply.isSuccess() && reply.getValue().size() == size);
    });
    double receiptsPerSecond = load.throughput() * size;
    double amortisedMs = load.ok() == 0 ? Double.MAX_VALUE : load.wallSeconds() * 1000 / (load.ok() * size);
    CaseResult r = result("bench_batch_operations", opened.store()).param("batches", batches)
        .param("batch_size", size).param("durability", "fsync").load(load)
        .metric("receipts_per_s", receiptsPerSecond).metric("amortised_ms_per_receipt", amortisedMs)
        .metric("stored", opened.store().store().stats().count());
    String anchor = "raw RocksDB WriteBatch of 100, synced";
    LoadResult rawBatches = raw.open().batches(anchor, 1, batches, size, true, raw.records(batches * size));
    double rawPerSecond = rawBatches.throughput() * size;
    double rawAmortisedMs = rawBatches.ok() == 0 ? Double.MAX_VALUE
        : rawBatches.wallSeconds() * 1000 / (rawBatches.ok() * size);
    r.part(rawBatches).anchor(anchor, "receipts_per_s", receiptsPerSecond, rawPerSecond)
        .anchor(anchor, "amortised_ms_per_receipt", amortisedMs, rawAmortisedMs);
    r.holds("every batch written whole", "errors", load.errors() == 0 && load.ok() == batches);
    r.below("< 5 ms per receipt amortised", "amortised_ms_per_receipt", amortisedMs, 5);
    r.above("> 10k receipts/s", "receipts_per_s", receiptsPerSecond, 10_000);
    r.finish();
  }

  @Test
  void bench_storage_efficiency() {
    int count = PROFILE.pick(10_000, 5000);
    Opened opened = ledger("off");
    assumeTrue(opened.store().kind().equals("rocksdb"),
        "bytes on disk need the RocksDB store; this build only has " + opened.store().kind());
    fill(opened, count);
    // flush the memtables and compact every family: what the receipts cost once settled, WAL included
    RocksReceiptStore rocks = (RocksReceiptStore) opened.store().store();
    Map<String, Long> byFamily = rocks.compactedBytesByFamily();
    ReceiptStore.Stats stats = rocks.stats();
    long directory = directorySize(dataDir.resolve("store-" + (names.get() - 1)));
    double perReceipt = stats.count() == 0 ? 0 : (double) stats.bytesOnDisk() / stats.count();
    CaseResult r = result("bench_storage_efficiency", opened.store()).param("receipts", count)
        .metric("bytes_on_disk", stats.bytesOnDisk()).metric("stored", stats.count())
        .metric("directory_bytes", directory).metric("bytes_per_receipt", perReceipt)
        .metric("sst_bytes_by_family", byFamily);
    RawRocks bare = raw.open();
    bare.batches("raw fill", 1, (count + 499) / 500, 500, false, raw.records(count));
    double rawPerReceipt = (double) bare.settledBytes() / count;
    r.metric("anchor_bytes_per_receipt", rawPerReceipt)
        .anchor("raw RocksDB, id -> canonical JSON, compacted", "bytes_per_receipt", perReceipt, rawPerReceipt);
    r.holds("every receipt stored", "stored", stats.count() == count);
    r.below("~200-300 bytes per receipt", "bytes_per_receipt", perReceipt, 300);
    r.finish();
  }

  private static long directorySize(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
