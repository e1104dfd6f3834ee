package tai.autonomics.ledger;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

/**
 * Ledger numbers for the closing note, measured on the machine it runs on (not a unit test: it asserts nothing and
 * its numbers depend on the machine). Run from the repository root:
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -pl core -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/bench.cp
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/bench.cp) \
 *     tai.autonomics.ledger.LedgerBenchmark
 * </pre>
 * Optional arguments: seconds of the throughput run (default 10), then the parts to run, comma-separated (default
 * {@code durable,unsynced,reads}). {@code -Dbench.tlog=true} grows the tenants' Merkle trees in every write, as a
 * node does (issue 16); run with and without it, alternated, to compare.
 */
public final class LedgerBenchmark {
  private static final int APPENDERS = 64;

  private LedgerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<String> parts = List.of((args.length > 1 ? args[1] : "durable,unsynced,reads").split(","));
    Config config = ConfigFactory.load();
    Path root = Files.createTempDirectory("ledger-bench");
    try {
      System.out.printf("cores %d, java %s%n", Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      hashing();
      if (parts.contains("durable")) {
      try (RocksReceiptStore rocks = open(root.resolve("durable"))) {
        ControlledStore store = new ControlledStore(rocks);
        withLedger(config, store, true, (system, ledger) -> {
          throughput(system, ledger, seconds);
          List<Integer> batches = store.batchSizes();
          System.out.printf("  group commits: %d, mean %.1f receipts each%n", batches.size(),
              batches.stream().mapToInt(Integer::intValue).average().orElse(0));
          // right behind the load RocksDB still flushes and compacts what it wrote, and those writes share the disk
          // with the WAL's fsyncs; "alone" proper is a quiet ledger, once that background work is done
          latency("durable append alone, right after the load", system, ledger, 500, 2000);
          long settled = awaitBackgroundWork(rocks.layout(), Duration.ofSeconds(120));
          System.out.printf("  background flushes and compactions settled in %.1f s%n", settled / 1e9);
          latency("durable append alone, quiet ledger", system, ledger, 500, 2000);
        });
      }
      }
      if (parts.contains("unsynced")) {
        try (RocksReceiptStore store = open(root.resolve("unsynced"))) {
          withLedger(config, store, false,
              (system, ledger) -> latency("non-durable append", system, ledger, 50_000, 100_000));
        }
      }
      if (parts.contains("reads")) {
        try (RocksReceiptStore store = open(root.resolve("reads"))) {
          reads(store);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The store, with the tenants' trees attached when {@code -Dbench.tlog=true}. */
  private static RocksReceiptStore open(Path dir) throws IOException {
    RocksReceiptStore store = RocksReceiptStore.open(dir);
    if (Boolean.getBoolean("bench.tlog")) {
      tai.autonomics.tlog.TransparencyLog.attach(store, "bench", tai.autonomics.tlog.NoteSigner.of("bench",
          tai.autonomics.tlog.Ed25519Key.generate()), new tai.autonomics.tlog.FileSignedHeads(dir.resolveSibling(
          dir.getFileName() + "-heads"))).orElseThrow();
      System.out.println("  (tenants' Merkle trees grown in every write)");
    }
    return store;
  }

  @FunctionalInterface
  private interface Run {
    void with(ActorSystem<Void> system, ActorRef<Ledger.Command> ledger) throws Exception;
  }

  private static void withLedger(Config config, ReceiptStore store, boolean durable, Run run) throws Exception {
    LedgerSettings configured = LedgerSettings.create(config);
    LedgerSettings settings = new LedgerSettings("rocksdb", Path.of("."), durable, configured.maxBatch(),
        configured.maxPending());
    CompletableFuture<ActorRef<Ledger.Command>> spawned = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context -> {
      Props props = DispatcherSelector.fromConfig("autonomics.ledger.dispatcher");
      // as the node spawns it (Guardian), where the build measured has the mailbox
      spawned.complete(context.spawn(Ledger.create(store, settings), "ledger",
          config.hasPath("autonomics.ledger.mailbox") ? props.withMailboxFromConfig("autonomics.ledger.mailbox")
              : props));
      return Behaviors.empty();
    }), "ledger-bench", config);
    try {
      run.with(system, spawned.get());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** CPU time of the JVM's Java threads by pool (digits dropped from names); native RocksDB threads are not in it. */
  private static Map<String, Long> threadCpu() {
    var bean = ManagementFactory.getThreadMXBean();
    Map<String, Long> groups = new TreeMap<>();
    for (var info : bean.getThreadInfo(bean.getAllThreadIds())) {
      if (info != null) {
        String name = info.getThreadName().replaceAll("[0-9]+", "N");
        long nanos = bean.getThreadCpuTime(info.getThreadId());
        groups.merge(name, Math.max(0, nanos), Long::sum);
        // the part spent in the kernel (syscalls: waking threads, fsync)
        groups.merge(name + " (kernel)", Math.max(0, nanos - bean.getThreadUserTime(info.getThreadId())),
            Long::sum);
      }
    }
    return groups;
  }

  /**
   * CPU time of every thread of the process by name, native ones included (RocksDB's flush and compaction threads,
   * GC, JIT), from /proc; empty where there is no /proc. In clock ticks of 10 ms.
   */
  private static Map<String, Long> nativeThreadTicks() {
    Map<String, Long> groups = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N");
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          groups.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return groups;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Pub/Sub-like message ids (17 digits), unique: a repeat would be answered as a duplicate, not written. */
  private static final AtomicLong MESSAGE_IDS =
      new AtomicLong(10_000_000_000_000_000L);
  private static final String[] TENANTS = new String[1000];

  static {
    for (int i = 0; i < TENANTS.length; i++) {
      TENANTS[i] = String.format("tenant-%04d", i);
    }
  }

  private static Receipt draft(Random random, int tenants) {
    return Receipt.draft(ReceiptType.TRANSITION, TENANTS[random.nextInt(tenants)])
        .states("stable", "warning").reason("cpu above 60").policy("base")
        .signal("cpu", (double) random.nextInt(100), System.currentTimeMillis())
        .messageId(Long.toString(MESSAGE_IDS.incrementAndGet())).build();
  }

  private static void hashing() {
    Random random = new Random(1);
    Receipt draft = draft(random, 100);
    int n = 300_000;
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ReceiptHasher.seal(draft, i + 1, Receipt.GENESIS_HASH);
      }
      best = Math.min(best, (System.nanoTime() - start) / n);
    }
    System.out.printf("seal (id + JCS + SHA-256): %d ns per receipt (best of 5 x %d)%n", best, n);
  }

  /** 64 appender actors, each sending its next Append when the previous one is answered. */
  private static void throughput(ActorSystem<Void> system, ActorRef<Ledger.Command> ledger, int seconds)
      throws Exception {
    LongAdder answered = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch stopped = new CountDownLatch(APPENDERS);
    for (int i = 0; i < APPENDERS; i++) {
      system.systemActorOf(appender(ledger, answered, errors, running::get, stopped, i), "appender-" + i,
          Props.empty());
    }
    // warm-up: long enough for the JIT to finish compiling the hot paths, whose CPU would otherwise be counted
    Thread.sleep(6_000);
    long before = answered.sum();
    long cpuBefore = processCpuNanos();
    Map<String, Long> threadsBefore = threadCpu();
    Map<String, Long> nativeBefore = nativeThreadTicks();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L); // the measurement window: the appender actors run meanwhile
    long count = answered.sum() - before;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuPerReceipt = (processCpuNanos() - cpuBefore) / 1e3 / Math.max(1, count);
    Map<String, Long> threadsAfter = threadCpu();
    threadsAfter.forEach((group, nanos) -> {
      double micros = (nanos - threadsBefore.getOrDefault(group, 0L)) / 1e3 / Math.max(1, count);
      if (micros >= 0.05) {
        System.out.printf("    %s: %.1f µs per receipt%n", group, micros);
      }
    });
    // threads Java does not name (the pools above appear under their OS name, truncated)
    nativeThreadTicks().forEach((group, ticks) -> {
      double micros = (ticks - nativeBefore.getOrDefault(group, 0L)) * 1e4 / Math.max(1, count);
      if (micros >= 0.05 && !group.startsWith("ledger-bench")) {
        System.out.printf("    [os] %s: %.1f µs per receipt%n", group, micros);
      }
    });
    running.set(false);
    System.out.printf("durable appends, %d concurrent appenders: %.0f receipts/s (%d in %.1f s, %d errors)%n",
        APPENDERS, count / elapsed, count, elapsed, errors.sum());
    // CPU time does not depend on what else the machine runs: it says what free cores would give
    System.out.printf("  process CPU per receipt: %.1f µs (appenders, ledger, RocksDB and GC together)%n",
        cpuPerReceipt);
    // every appender's last append is answered before the next phase reuses the ledger
    if (!stopped.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(stopped.getCount() + " appenders still waiting for their last answer");
    }
  }

  private static Behavior<StatusReply<Receipt>> appender(ActorRef<Ledger.Command> ledger, LongAdder answered,
      LongAdder errors, Supplier<Boolean> running, CountDownLatch stopped, int seed) {
    return Behaviors.setup(context -> {
      Random random = new Random(seed);
      ledger.tell(new Ledger.Append(draft(random, 1000), context.getSelf()));
      return Behaviors.receiveMessage(reply -> {
        if (reply.isSuccess()) {
          answered.increment();
        } else {
          errors.increment();
        }
        if (!running.get()) {
          stopped.countDown();
          return Behaviors.stopped();
        }
        ledger.tell(new Ledger.Append(draft(random, 1000), context.getSelf()));
        return Behaviors.same();
      });
    });
  }

  /** One appender alone: send, wait for the answer, send the next; time from send to answer. */
  private static void latency(String name, ActorSystem<Void> system, ActorRef<Ledger.Command> ledger, int warmup,
      int measured) throws Exception {
    Histogram histogram = new Histogram(3);
    CompletableFuture<Void> done = new CompletableFuture<>();
    system.systemActorOf(Behaviors.<StatusReply<Receipt>>setup(context -> {
      Random random = new Random(7);
      long[] sent = {System.nanoTime()};
      int[] count = {0};
      ledger.tell(new Ledger.Append(draft(random, 1000), context.getSelf()));
      return Behaviors.receiveMessage(reply -> {
        long now = System.nanoTime();
        if (count[0]++ >= warmup) {
          histogram.recordValue(now - sent[0]);
        }
        if (count[0] >= warmup + measured) {
          done.complete(null);
          return Behaviors.stopped();
        }
        sent[0] = System.nanoTime();
        ledger.tell(new Ledger.Append(draft(random, 1000), context.getSelf()));
        return Behaviors.same();
      });
    }), "latency-" + name.replace(' ', '-'), Props.empty());
    done.get(10, TimeUnit.MINUTES);
    print(name, histogram);
  }

  private static void reads(RocksReceiptStore store) throws IOException {
    int tenants = 100;
    int count = 200_000;
    TestChains chains = new TestChains(0);
    Random random = new Random(3);
    List<Receipt> all = new ArrayList<>(count);
    for (int from = 0; from < count; from += 1000) {
      List<Receipt> batch = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        batch.add(chains.seal(draft(random, tenants)));
      }
      store.append(batch, false);
      all.addAll(batch);
    }
    Map<String, Long> byFamily = store.compactedBytesByFamily();
    long sst = byFamily.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("bytes on disk after compaction: %.1f per receipt (%d receipts, SST by family %s; "
        + "stats incl. WAL %d)%n", (double) sst / count, count, byFamily,
        store.stats().bytesOnDisk());
    for (int round = 0; round < 2; round++) {
      Histogram byId = new Histogram(3);
      Histogram byMessageId = new Histogram(3);
      Histogram page = new Histogram(3);
      for (int i = 0; i < 100_000; i++) {
        Receipt target = all.get(random.nextInt(count));
        long start = System.nanoTime();
        store.get(target.id()).orElseThrow();
        long middle = System.nanoTime();
        store.findByMessageId(MessageKey.of(target)).orElseThrow();
        long end = System.nanoTime();
        byId.recordValue(middle - start);
        byMessageId.recordValue(end - middle);
      }
      for (int i = 0; i < 20_000; i++) {
        String tenant = TENANTS[random.nextInt(tenants)];
        long after = random.nextInt(count - 30_000);
        long start = System.nanoTime();
        int size = store.page(tenant, after, 100).size();
        page.recordValue(System.nanoTime() - start);
        if (size != 100) {
          throw new IllegalStateException("short page: " + size);
        }
      }
      if (round == 1) {
        print("read by id", byId);
        print("read by messageId", byMessageId);
        print("tenant page of 100", page);
      }
    }
  }

  /**
   * Polls (bounded) until RocksDB has no flush or compaction running or due; the nanoseconds waited. A poll because
   * RocksJava offers no call that waits for background work to finish.
   */
  private static long awaitBackgroundWork(RocksLayout layout, Duration atMost) throws Exception {
    long start = System.nanoTime();
    long deadline = start + atMost.toNanos();
    while (System.nanoTime() < deadline && backgroundWork(layout.db) > 0) {
      Thread.sleep(50);
    }
    return System.nanoTime() - start;
  }

  /** Flushes and compactions running or due, all families: 0 when RocksDB has no background work left. */
  private static long backgroundWork(org.rocksdb.RocksDB db) throws Exception {
    return db.getAggregatedLongProperty("rocksdb.compaction-pending")
        + db.getAggregatedLongProperty("rocksdb.mem-table-flush-pending")
        + db.getLongProperty("rocksdb.num-running-compactions") + db.getLongProperty("rocksdb.num-running-flushes");
  }

  private static void print(String name, Histogram histogram) {
    System.out.printf("%s: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs (n=%d)%n", name,
        histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
        histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3, histogram.getTotalCount());
  }
}
