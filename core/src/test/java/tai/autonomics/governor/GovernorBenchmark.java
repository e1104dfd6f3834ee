package tai.autonomics.governor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.node.Guardian;
import tai.autonomics.node.Node;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * Benchmarks of the core runtime for the closing note (a main, not a test): the whole node wired by the Guardian on
 * a memory store, signals entering at {@link Governors} as the HTTP layer sends them.
 *
 * <pre>
 * java -cp ... tai.autonomics.governor.GovernorBenchmark latency|throughput|speed|heap|parts|all
 * </pre>
 *
 * <ul>
 *   <li>latency: one tenant, one signal at a time: signal to decision to sealed receipt to reply, p50/p99/p99.9;
 *   <li>throughput: {@code bench.governors} (100) tenants, each a closed loop of {@code bench.signals} (100)
 *       signals with {@code bench.window} (8) in flight, repeated {@code bench.rounds} (30) times;
 *   <li>heap: used heap after GC before and after booting {@code bench.idle} (100,000) governors.
 * </ul>
 * Dispatcher settings are compared by overriding {@code pekko.actor.default-dispatcher.*} with -D. The memory store
 * keeps every receipt on the heap, so the GC decides much of the throughput figure: run it with the GC the bench
 * suite gives the node, {@code -XX:+UseParallelGC -Xms2g -Xmx2g -XX:+AlwaysPreTouch} (G1 with a growing heap gave
 * 124-143k signals/s where this gave 206-227k, same build, 2026-12-03).
 */
public final class GovernorBenchmark {

  /**
   * Signal timestamps: recent (a policy refuses signals older than max-signal-age) and increasing per tenant across
   * loops (an older one than the last decided is stale); each loop takes its own range, its index is the offset.
   */
  private static final long START = System.currentTimeMillis();
  private static final java.util.concurrent.atomic.AtomicLong CLOCK = new java.util.concurrent.atomic.AtomicLong(START);
  private static final java.util.List<Histogram> LOOP_HISTOGRAMS = new java.util.ArrayList<>();

  private GovernorBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "all";
    if (mode.equals("parts")) {
      parts();
      return;
    }
    Config config = ConfigFactory.parseString("""
        autonomics.ledger.store = memory
        autonomics.ledger.durability = off
        autonomics.entitlements.refuse-unknown-tenants = false
        autonomics.executor.simulated.latency = 0ms
        """).withFallback(ConfigFactory.load());
    // -Dbench.store=rocksdb measures the same path over RocksDB (durability still off) in a temporary directory
    tai.autonomics.ledger.ReceiptStore store = "rocksdb".equals(System.getProperty("bench.store"))
        ? tai.autonomics.ledger.RocksReceiptStore.open(java.nio.file.Files.createTempDirectory("governor-bench"))
        : new MemoryReceiptStore();
    CompletableFuture<Node> started = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(Guardian.create(NodeSettings.create(config), store,
        PolicyPacks.create(config), new SimpleMeterRegistry(), (s, node) -> started.complete(node)), "bench", config);
    try {
      Node node = started.get(10, TimeUnit.SECONDS);
      Config dispatcher = config.getConfig("pekko.actor.default-dispatcher");
      System.out.printf("java %s, %d cpus, default-dispatcher %s fork-join min=%s factor=%s max=%s "
              + "throughput=%d%n",
          System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
          dispatcher.getString("executor"), dispatcher.getString("fork-join-executor.parallelism-min"),
          dispatcher.getString("fork-join-executor.parallelism-factor"),
          dispatcher.getString("fork-join-executor.parallelism-max"), dispatcher.getInt("throughput"));
      boolean speed = mode.equals("speed") || mode.equals("all");
      if (mode.equals("latency") || speed) {
        latency(system, node);
      }
      if (mode.equals("throughput") || speed) {
        throughput(system, node);
      }
      if (mode.equals("heap") || mode.equals("all")) {
        heap(system, node);
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void latency(ActorSystem<Void> system, Node node) throws Exception {
    int warmup = Integer.getInteger("bench.warmup", 100_000);
    int count = Integer.getInteger("bench.count", 200_000);
    runLoops(system, node, 1, warmup, 1, new Histogram(3));
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(1), 3);
    long start = System.nanoTime();
    runLoops(system, node, 1, count, 1, histogram);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("latency (1 tenant, 1 in flight, %,d signals): p50 %.1f us, p90 %.1f us, p99 %.1f us, "
            + "p99.9 %.1f us, max %.1f us, mean %.1f us (%,.0f signals/s)%n",
        count, us(histogram, 50), us(histogram, 90), us(histogram, 99), us(histogram, 99.9),
        histogram.getMaxValue() / 1e3, histogram.getMean() / 1e3, count / seconds);
  }

  private static void throughput(ActorSystem<Void> system, Node node) throws Exception {
    int governors = Integer.getInteger("bench.governors", 100);
    int signals = Integer.getInteger("bench.signals", 100);
    int window = Integer.getInteger("bench.window", 8);
    int rounds = Integer.getInteger("bench.rounds", 30);
    for (int i = 0; i < 10; i++) {
      runLoops(system, node, governors, signals, window, new Histogram(3));
    }
    double[] rates = new double[rounds];
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(1), 3);
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      runLoops(system, node, governors, signals, window, histogram);
      rates[round] = governors * (double) signals / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    System.out.printf("throughput (%d governors x %d signals, window %d, %d rounds): median %,.0f signals/s, "
            + "best %,.0f, worst %,.0f; per-signal latency p50 %.1f us, p99 %.1f us%n",
        governors, signals, window, rounds, rates[rounds / 2], rates[rounds - 1], rates[0],
        us(histogram, 50), us(histogram, 99));
  }

  private static void heap(ActorSystem<Void> system, Node node) throws Exception {
    int count = Integer.getInteger("bench.idle", 100_000);
    long before = usedHeapAfterGc();
    CountDownLatch booted = new CountDownLatch(count);
    ActorRef<Governor.View> counter = system.systemActorOf(Behaviors.receive(Governor.View.class)
        .onAnyMessage(view -> {
          booted.countDown();
          return Behaviors.same();
        }).build(), "idle-counter", org.apache.pekko.actor.typed.Props.empty());
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      node.governors().tell(new Governors.Deliver("idle-" + i, new Governor.GetState(counter)));
    }
    if (!booted.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("only " + (count - booted.getCount()) + " governors booted");
    }
    double bootSeconds = (System.nanoTime() - start) / 1e9;
    long after = usedHeapAfterGc();
    System.out.printf("heap: %,d idle governors booted in %.1f s; used heap after GC %,d -> %,d bytes: "
        + "%,d bytes per governor (tenant id and registry entry included)%n",
        count, bootSeconds, before, after, (after - before) / count);
    if (Boolean.getBoolean("bench.histogram")) {
      // what an idle governor is made of: the classes with the most live bytes
      new ProcessBuilder("jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
          .inheritIO().start().waitFor();
    }
  }

  /**
   * What one signal costs in each pure step, single-threaded, without actors: the policy decision, drafting the
   * receipt, and sealing it (JCS canonical JSON + SHA-256, done by the single-threaded Ledger).
   */
  private static void parts() {
    PolicyPacks packs = PolicyPacks.create(ConfigFactory.load());
    tai.autonomics.policy.PolicyPack pack = packs.forSku("base");
    int n = 1_000_000;
    long sink = 0;
    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Signal signal = new Signal("tenant-1", "cpu", (double) (i % 100), START + i, null);
        sink += tai.autonomics.policy.Policy.decide(pack, signal, tai.autonomics.policy.Policy.View.NORMAL)
            .hashCode();
      }
      long decide = System.nanoTime() - start;
      start = System.nanoTime();
      Receipt draft = null;
      for (int i = 0; i < n; i++) {
        draft = Receipt.draft(tai.autonomics.ledger.ReceiptType.TRANSITION, "tenant-1").states("stable", "warning")
            .reason("above_warn_threshold").policy(pack.reference()).signal("cpu", (double) i, (long) i).build();
        sink += draft.hashCode();
      }
      long drafting = System.nanoTime() - start;
      int sealed = n / 10;
      start = System.nanoTime();
      String prev = Receipt.GENESIS_HASH;
      for (int i = 0; i < sealed; i++) {
        prev = tai.autonomics.ledger.ReceiptHasher.seal(draft, i + 1, prev).hash();
      }
      long sealing = System.nanoTime() - start;
      System.out.printf("parts round %d: decide %.0f ns, draft %.0f ns, seal (JCS + SHA-256) %.0f ns per signal%n",
          round, decide / (double) n, drafting / (double) n, sealing / (double) sealed);
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200); // a benchmark main, not a test: let GC and reference processing settle before reading the heap
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static double us(Histogram histogram, double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e3;
  }

  /**
   * Runs one closed loop per tenant and waits until all have their answers. Each loop records into a histogram of
   * its own, made once and reset every round: the harness shares the node's heap, and a new 25 KB histogram per loop
   * per round was 250 B of the harness's garbage per signal (async-profiler, alloc).
   */
  private static void runLoops(ActorSystem<Void> system, Node node, int tenants, int signals, int window,
      Histogram histogram) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(tenants);
    while (LOOP_HISTOGRAMS.size() < tenants) {
      LOOP_HISTOGRAMS.add(new Histogram(TimeUnit.SECONDS.toNanos(1), 2));
    }
    for (int t = 0; t < tenants; t++) {
      LOOP_HISTOGRAMS.get(t).reset();
      system.systemActorOf(loop(node.governors(), "bench-" + t, signals, window, LOOP_HISTOGRAMS.get(t), done),
          "loop-" + System.nanoTime() + "-" + t, org.apache.pekko.actor.typed.Props.empty());
    }
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("loops did not finish");
    }
    for (int t = 0; t < tenants; t++) {
      histogram.add(LOOP_HISTOGRAMS.get(t));
    }
  }

  /**
   * One tenant's closed loop: {@code window} signals in flight, the next sent when one is answered. Values cycle
   * through ok and warn levels (no action: an action would postpone the loop behind the executor). The signal's
   * timestamp carries its index, so the receipt tells which send it answers.
   */
  private static Behavior<StatusReply<Receipt>> loop(ActorRef<Governors.Command> governors, String tenant,
      int signals, int window, Histogram histogram, CountDownLatch done) {
    return Behaviors.setup(context -> {
      long[] sentAt = new long[signals];
      long base = CLOCK.getAndAdd(signals);
      int[] progress = new int[2]; // sent, answered
      ActorRef<StatusReply<Receipt>> self = context.getSelf();
      Runnable sendNext = () -> {
        int i = progress[0]++;
        sentAt[i] = System.nanoTime();
        governors.tell(new Governors.Deliver(tenant, new Governor.ProcessSignal(
            new Signal(tenant, "cpu", (double) (i % 3 == 2 ? 70 : 10 + i % 50), base + i, null), self)));
      };
      for (int i = 0; i < Math.min(window, signals); i++) {
        sendNext.run();
      }
      return Behaviors.receive((ctx, reply) -> {
        if (!reply.isSuccess()) {
          throw new IllegalStateException("signal failed: " + reply.getError().getMessage());
        }
        int index = (int) (reply.getValue().signal().timestampMs() - base);
        histogram.recordValue(Math.min(System.nanoTime() - sentAt[index], TimeUnit.SECONDS.toNanos(1)));
        if (++progress[1] == signals) {
          done.countDown();
          return Behaviors.stopped();
        }
        if (progress[0] < signals) {
          sendNext.run();
        }
        return Behaviors.same();
      });
    });
  }
}
