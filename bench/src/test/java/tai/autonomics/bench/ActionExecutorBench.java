package tai.autonomics.bench;

import tai.autonomics.node.AskAnswers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.load.ClosedLoad;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.OpenLoad;
import tai.autonomics.bench.support.BenchStores;
import tai.autonomics.bench.support.Bursts;
import tai.autonomics.bench.support.anchors.BarePool;
import tai.autonomics.executor.Action;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.NodeSettings;

/**
 * Cases 19-24: the real ActionExecutor (pool, overflow, bounded queue, receipts for every attempt and result)
 * running the {@code simulated} effector, whose latency stands for the remote call: scale 5 ms, rollback 10 ms,
 * throttle 2 ms. Each case builds its own executor with the pool it names, over its own ledger, and runs the same
 * load against its anchor: a {@link BarePool} with the pool's worker count (pool + overflow), the same queue capacity
 * and the same latencies, so the figures print as measured / anchor.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class ActionExecutorBench {
  private static final String SUITE = "action_executor";
  private static final Duration LONG = Duration.ofSeconds(180);
  private static final BenchProfile PROFILE = BenchProfile.current();
  static final Map<String, Integer> LATENCY_MS = Map.of("scale", 5, "rollback", 10, "throttle", 2);
  /** An action type whose effector time dominates the pool's own work, as a remote call's does. */
  static final int REMOTE_MS = 50;

  @TempDir
  static Path dataDir;

  private static ActorTestKit testKit;
  private static final List<ReceiptStore> stores = new ArrayList<>();
  private static final AtomicLong names = new AtomicLong();

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("executor-bench", ConfigFactory.parseString("pekko.loglevel = WARNING")
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    stores.forEach(ReceiptStore::close);
  }

  /** A running executor and the registry it reports its own metrics to (busy time, queue wait). */
  private record Pool(ActorRef<ActionExecutor.Command> ref, MeterRegistry metrics) {
    double busySeconds() {
      FunctionCounter busy = metrics.find("tai.executor.busy").functionCounter();
      return busy == null ? 0 : busy.count();
    }

    Timer queueWait() {
      return metrics.get("tai.executor.queue.wait").timer();
    }
  }

  /**
   * An executor with {@code poolSize} workers plus {@code overflow}, the simulated effector at the seed's per-type
   * latencies (scale 5 ms, rollback 10 ms, throttle 2 ms; remote 50 ms), over a ledger of its own.
   */
  private static Pool executor(int poolSize, int overflow) {
    Config config = ConfigFactory.parseString("""
        autonomics.ledger.durability = off
        autonomics.executor { pool-size = %d, max-overflow = %d }
        autonomics.executor.simulated.types {
          scale { latency = %dms }, rollback { latency = %dms }, throttle { latency = %dms }, remote { latency = %dms }
        }
        """.formatted(poolSize, overflow, LATENCY_MS.get("scale"), LATENCY_MS.get("rollback"),
        LATENCY_MS.get("throttle"), REMOTE_MS)).withFallback(ConfigFactory.load());
    long id = names.incrementAndGet();
    BenchStores.Opened opened = BenchStores.open(config, dataDir.resolve("executor-" + id));
    stores.add(opened.store());
    ActorRef<Ledger.Command> ledger = testKit.spawn(
        Ledger.create(opened.store(), LedgerSettings.create(opened.config())), "ledger-" + id,
        DispatcherSelector.fromConfig("autonomics.ledger.dispatcher"));
    MeterRegistry metrics = new SimpleMeterRegistry();
    return new Pool(testKit.spawn(ActionExecutor.create(ledger, NodeSettings.create(opened.config()).executor(),
        metrics), "executor-" + id), metrics);
  }

  private static CompletionStage<Boolean> execute(Pool pool, String type) {
    return execute(pool.ref(), type);
  }

  private static CompletionStage<Boolean> execute(ActorRef<ActionExecutor.Command> executor, String type) {
    UUID uuid = UUID.randomUUID();
    Action action = new Action(HexFormat.of().toHexDigits(uuid.getMostSignificantBits())
        + HexFormat.of().toHexDigits(uuid.getLeastSignificantBits()), "bench-tenant", type, Map.of());
    return AskAnswers.on(AskPattern.<ActionExecutor.Command, ActionOutcome>ask(executor,
        replyTo -> new ActionExecutor.Execute(action, replyTo), Duration.ofSeconds(60), testKit.system().scheduler()),
        testKit.system().executionContext()).thenApply(outcome -> outcome instanceof ActionOutcome.Completed);
  }

  private static CaseResult result(String name) {
    return CaseResult.of(SUITE, name).param("effector", "simulated");
  }

  private static final String ANCHOR = "bare pool";
  /** The executor's queue-capacity (reference.conf), which the bare pool's queue copies. */
  private static final int QUEUE = 1000;

  private static Duration latency(String type) {
    return Duration.ofMillis(type.equals("remote") ? REMOTE_MS : LATENCY_MS.get(type));
  }

  @Test
  void bench_action_execution() {
    int count = PROFILE.pick(1000, 300);
    var executor = executor(10, 20);
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", 10, LONG).maxRequests(100), () -> execute(executor, "scale"));
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("scale actions", 10, LONG).maxRequests(count),
        () -> execute(executor, "scale"));
    CaseResult r = result("bench_action_execution").param("actions", count).param("clients", 10)
        .param("pool", "10+20").param("simulated_latency_ms", LATENCY_MS.get("scale")).load(load);
    try (BarePool bare = new BarePool(30, QUEUE)) {
      LoadResult anchor = ClosedLoad.run(ClosedLoad.Settings.of("bare pool 30", 10, LONG).maxRequests(count),
          () -> bare.submit(latency("scale")));
      r.part(anchor).anchor(ANCHOR, "p99_ms", load.percentileMillis(99), anchor.percentileMillis(99))
          .anchor(ANCHOR, "throughput", load.throughput(), anchor.throughput());
    }
    r.holds("every action completed", "errors", load.errors() == 0 && load.ok() == count);
    r.below("p99 < 100 ms", "p99_ms", load.percentileMillis(99), 100);
    r.above("> 50 ops/s", "throughput", load.throughput(), 50);
    r.finish();
  }

  @Test
  void bench_poolboy_throughput() {
    int count = PROFILE.pick(5000, 1500);
    var executor = executor(10, 5);
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", 15, LONG).maxRequests(150), () -> execute(executor, "scale"));
    // as many clients as workers (10 + 5 overflow): the pool is kept full without a standing queue
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("steady pool", 15, LONG).maxRequests(count),
        () -> execute(executor, "scale"));
    CaseResult r = result("bench_poolboy_throughput").param("actions", count).param("clients", 15)
        .param("pool", "10+5").param("simulated_latency_ms", LATENCY_MS.get("scale")).load(load);
    try (BarePool bare = new BarePool(15, QUEUE)) {
      LoadResult anchor = ClosedLoad.run(ClosedLoad.Settings.of("bare pool 15", 15, LONG).maxRequests(count),
          () -> bare.submit(latency("scale")));
      r.part(anchor).anchor(ANCHOR, "p95_ms", load.percentileMillis(95), anchor.percentileMillis(95))
          .anchor(ANCHOR, "throughput", load.throughput(), anchor.throughput());
    }
    r.holds("every action completed", "errors", load.errors() == 0 && load.ok() == count);
    r.below("p95 < 50 ms", "p95_ms", load.percentileMillis(95), 50);
    r.finish();
  }

  @Test
  void bench_poolboy_concurrent() {
    int clients = 20;
    int each = PROFILE.pick(500, 100);
    var executor = executor(10, 5);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("20 clients", clients, LONG).perWorker(each),
        () -> execute(executor, "scale"));
    CaseResult r = result("bench_poolboy_concurrent").param("clients", clients).param("actions_per_client", each)
        .param("pool", "10+5").param("simulated_latency_ms", LATENCY_MS.get("scale")).load(load);
    try (BarePool bare = new BarePool(15, QUEUE)) {
      LoadResult anchor = ClosedLoad.run(ClosedLoad.Settings.of("bare pool 15", clients, LONG).perWorker(each),
          () -> bare.submit(latency("scale")));
      r.part(anchor).anchor(ANCHOR, "throughput", load.throughput(), anchor.throughput())
          .anchor(ANCHOR, "p99_ms", load.percentileMillis(99), anchor.percentileMillis(99));
    }
    r.above("> 99 % success", "success_rate", load.successRate(), 0.99);
    r.holds("every action answered", "count", load.total() == (long) clients * each);
    r.above("> 100 ops/s combined", "throughput", load.throughput(), 100);
    r.finish();
  }

  @Test
  void bench_worker_utilization() {
    int count = PROFILE.pick(2000, 600);
    int poolSize = 10;
    // utilisation is about the pool, so the effector's time must dominate each action, as a remote call's does:
    // with 5 ms actions two shared cores spend more on receipts and hand-offs than the workers spend working
    String type = "remote";
    Pool executor = executor(poolSize, 5);
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", poolSize, LONG).maxRequests(50), () -> execute(executor, type));
    // offered load: 80 % of what the steady workers can serve at the effector's latency; the pool's own work per
    // action (receipts, hand-offs) comes on top, so the measured utilisation says how small that work stays
    double serviceSeconds = REMOTE_MS / 1000.0;
    double rate = 0.8 * poolSize / serviceSeconds;
    Duration window = Duration.ofMillis((long) Math.ceil(count / rate * 1000));
    double busyBefore = executor.busySeconds();
    LoadResult load = OpenLoad.run(OpenLoad.Settings.of("80 % of pool capacity", rate, window).maxRequests(count)
        .maxInFlight(200), () -> execute(executor, type));
    // the executor's own accounting: worker-seconds busy over worker-seconds available
    double utilisation = (executor.busySeconds() - busyBefore) / (load.wallSeconds() * poolSize);
    CaseResult r = result("bench_worker_utilization").param("actions", count).param("pool", poolSize + "+5")
        .param("arrival_rate_per_s", rate).param("simulated_latency_ms", REMOTE_MS).load(load)
        .metric("utilisation", utilisation).metric("busy_worker_seconds", executor.busySeconds() - busyBefore)
        .metric("busy_ms_per_action", (executor.busySeconds() - busyBefore) * 1000 / Math.max(1, load.ok()));
    // the anchor: the same open schedule on 10 bare workers; its utilisation is the offered share plus timer slack
    try (BarePool bare = new BarePool(poolSize, QUEUE)) {
      LoadResult anchor = OpenLoad.run(OpenLoad.Settings.of("bare pool 10", rate, window).maxRequests(count)
          .maxInFlight(200), () -> bare.submit(latency(type)));
      double bareUtilisation = bare.busySeconds() / (anchor.wallSeconds() * poolSize);
      r.part(anchor).metric("anchor_utilisation", bareUtilisation)
          .anchor(ANCHOR, "utilisation", utilisation, bareUtilisation)
          .anchor(ANCHOR, "p99_ms", load.percentileMillis(99), anchor.percentileMillis(99));
    }
    r.holds("no starvation: every action served within the checkout timeout", "errors",
        load.errors() == 0 && load.ok() == count && load.latencies().getMaxValue() < 5_000_000_000L);
    r.above("utilisation >= 75 %", "utilisation", utilisation, 0.75);
    r.below("utilisation <= 85 %", "utilisation", utilisation, 0.85);
    r.finish();
  }

  @Test
  void bench_queue_latency() {
    int bursts = PROFILE.pick(5, 3);
    // the burst's size is the point of the case (and cheap), so quick keeps the seed's 1000 and runs fewer bursts
    int perBurst = 1000;
    int workers = 30;
    int latencyMs = LATENCY_MS.get("scale");
    // warm the code on an executor of its own, so the measured one's queue-wait timer holds the bursts only
    Pool warm = executor(10, 20);
    Bursts.fire("warm-up", 300, 60, () -> execute(warm, "scale"));
    Pool executor = executor(10, 20);
    List<LoadResult> results = new ArrayList<>();
    for (int b = 0; b < bursts; b++) {
      // a burst: all perBurst actions submitted at once, each timed from the burst's start; then a pause of 1 s
      results.add(Bursts.fire("burst-" + (b + 1), perBurst, 60, () -> execute(executor, "scale")));
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
    }
    long total = results.stream().mapToLong(LoadResult::total).sum();
    long errors = results.stream().mapToLong(LoadResult::errors).sum();
    // queue wait as the executor measures it: from arrival to a worker taking the action
    Timer wait = executor.queueWait();
    double p99Ms = percentileMillis(wait.takeSnapshot(), 0.99);
    // the anchor: the same bursts into 30 bare workers with the same 5 ms and the same queue capacity
    double anchorP99Ms;
    try (BarePool bare = new BarePool(workers, QUEUE)) {
      Bursts.fire("bare warm-up", 300, 60, () -> bare.submit(latency("scale")));
      bare.resetQueueWaits();
      for (int b = 0; b < bursts; b++) {
        Bursts.fire("bare burst", perBurst, 60, () -> bare.submit(latency("scale")));
      }
      anchorP99Ms = bare.queueWaits().getValueAtPercentile(99) / 1e6;
    }
    // the arithmetic no pool of this size can beat: 1000 actions of 5 ms on 30 workers take >= 1000 x 5 / 30 ms to
    // drain, and the action at the 99th percentile waits for floor((990 - 1) / 30) full rounds of 5 ms first
    double drainFloorMs = (double) perBurst * latencyMs / workers;
    double waitFloorP99Ms = Math.floor((Math.ceil(0.99 * perBurst) - 1) / workers) * latencyMs;
    CaseResult r = result("bench_queue_latency").param("bursts", bursts).param("actions_per_burst", perBurst)
        .param("submitted", "all at once").param("pool", "10+20").param("workers", workers)
        .param("queue_capacity", QUEUE).param("simulated_latency_ms", latencyMs)
        .load(results.get(0)).metric("queue_wait_p99_ms", p99Ms)
        .metric("queue_wait_mean_ms", wait.mean(TimeUnit.MILLISECONDS))
        .metric("queue_wait_max_ms", wait.max(TimeUnit.MILLISECONDS))
        .metric("queue_waits", wait.count())
        .metric("drain_floor_ms", drainFloorMs).metric("queue_wait_floor_p99_ms", waitFloorP99Ms)
        .metric("anchor_queue_wait_p99_ms", anchorP99Ms)
        .anchor(ANCHOR, "queue_wait_p99_ms", p99Ms, anchorP99Ms);
    results.subList(1, results.size()).forEach(r::part);
    r.holds("every action completed", "errors", errors == 0 && total == (long) bursts * perBurst);
    r.below("queue wait p99 < 50 ms", "queue_wait_p99_ms", p99Ms, 50);
    r.finish();
  }

  /** The upper bound of the histogram bucket holding the {@code q} quantile (Micrometer's buckets, in ms). */
  private static double percentileMillis(HistogramSnapshot snapshot, double q) {
    double needed = q * snapshot.count();
    for (CountAtBucket bucket : snapshot.histogramCounts()) {
      if (bucket.count() >= needed) {
        return bucket.bucket(TimeUnit.MILLISECONDS);
      }
    }
    return snapshot.max(TimeUnit.MILLISECONDS);
  }

  @Test
  void bench_action_types() {
    int count = PROFILE.pick(1000, 300);
    Map<String, Double> limits = Map.of("scale", 20.0, "rollback", 30.0, "throttle", 15.0);
    CaseResult r = result("bench_action_types").param("actions_per_type", count).param("clients", 10)
        .param("pool", "10+20").param("simulated_latency_ms", LATENCY_MS);
    LoadResult first = null;
    Pool executor = executor(10, 20);
    for (String type : List.of("scale", "rollback", "throttle")) {
      ClosedLoad.run(ClosedLoad.Settings.of("warm-up", 10, LONG).maxRequests(100), () -> execute(executor, type));
      LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of(type, 10, LONG).maxRequests(count),
          () -> execute(executor, type));
      if (first == null) {
        first = load;
        r.load(load);
      } else {
        r.part(load);
      }
      r.metric(type + "_p99_ms", load.percentileMillis(99)).metric(type + "_throughput", load.throughput());
      try (BarePool bare = new BarePool(30, QUEUE)) {
        LoadResult anchor = ClosedLoad.run(ClosedLoad.Settings.of("bare pool 30, " + type, 10, LONG)
            .maxRequests(count), () -> bare.submit(latency(type)));
        r.part(anchor).anchor(ANCHOR, type + "_p99_ms", load.percentileMillis(99), anchor.percentileMillis(99));
      }
      r.holds(type + ": every action completed", type + "_errors", load.errors() == 0 && load.ok() == count);
      r.below(type + " p99 < " + limits.get(type).intValue() + " ms", type + "_p99_ms", load.percentileMillis(99),
          limits.get(type));
    }
    r.finish();
  }
}
