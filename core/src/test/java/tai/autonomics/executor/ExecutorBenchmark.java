package tai.autonomics.executor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.RocksReceiptStore;

/**
 * Measures the executor for the closing note of issue 4 (not a unit test: run it by hand, see the command in the
 * report). Scenarios:
 * <ul>
 *   <li>{@code overhead}: a zero-latency simulated effector under open-model (Poisson) arrivals at 10,000 actions/s
 *       ({@code --rate=N} for another rate); latency is measured from each action's intended send time, so a stalled
 *       sender cannot hide queueing; the same harness around an actor that answers at once runs first, as the floor;
 *   <li>{@code bursts}: 5 bursts of 1000 actions with the seed's per-type latencies (scale 5 ms, rollback 10 ms,
 *       throttle 2 ms) and once more with zero latency; queue wait = attempt start minus send;
 *   <li>{@code utilisation}: the seed's per-type latencies at several open-model rates, and 2000 actions at once;
 *       utilisation = busy worker time / (capacity * elapsed), from the executor's own busy-time counter.
 * </ul>
 * Receipts go to a real Ledger as in a node: over RocksDB in a temporary directory with fsync by default
 * ({@code --store=memory}, {@code --durability=off} to compare; {@code --no-ledger} drops them). The memory store
 * is no stand-in for production here: it keeps every receipt on the heap (production's RocksDB does not), so every
 * young GC copies all receipts written since the last one. Process CPU and heap allocated per action are printed
 * split by thread (the sender is this harness, and so is the collector on the default dispatcher: the floor run
 * shows its share; gc+jit+vm is what the process used beyond its Java threads).
 */
public final class ExecutorBenchmark {
  private static final String[] SEED_TYPES = {"scale", "rollback", "throttle"};
  private static final String SEED_LATENCIES =
      "simulated.types { scale { latency = 5ms }, rollback { latency = 10ms }, throttle { latency = 2ms } }\n";

  private final ActorTestKit kit;
  private final boolean withLedger;
  private final String store;
  private final String durability;
  private final Path dataDir;

  private ExecutorBenchmark(boolean withLedger, String store, String durability) throws Exception {
    Config config = ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load());
    this.kit = ActorTestKit.create("bench", config);
    this.withLedger = withLedger;
    this.store = store;
    this.durability = durability;
    this.dataDir = store.equals("rocksdb") ? Files.createTempDirectory("executor-bench") : null;
  }

  public static void main(String[] args) throws Exception {
    List<String> options = Arrays.asList(args);
    boolean withLedger = !options.contains("--no-ledger");
    String store = option(options, "--store=", "rocksdb");
    String durability = option(options, "--durability=", store.equals("rocksdb") ? "fsync" : "off");
    if (!List.of("rocksdb", "memory").contains(store) || !List.of("fsync", "off").contains(durability)) {
      throw new IllegalArgumentException("--store=rocksdb|memory, --durability=fsync|off");
    }
    String scenario = options.stream().filter(a -> !a.startsWith("--")).findFirst().orElse("all");
    ExecutorBenchmark bench = new ExecutorBenchmark(withLedger, store, durability);
    System.out.printf("executor benchmark, %d cores, ledger %s%n", Runtime.getRuntime().availableProcessors(),
        withLedger ? store + " store, durability " + durability : "none (receipts dropped)");
    try {
      if (scenario.equals("all") || scenario.equals("overhead")) {
        bench.baseline();
        bench.overhead(Integer.parseInt(option(options, "--rate=", "10000")));
      }
      if (scenario.equals("all") || scenario.equals("bursts")) {
        bench.bursts();
      }
      if (scenario.equals("all") || scenario.equals("utilisation")) {
        bench.utilisation();
      }
    } finally {
      bench.kit.shutdownTestKit();
      bench.deleteData();
    }
  }

  private static String option(List<String> options, String prefix, String otherwise) {
    return options.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst()
        .orElse(otherwise);
  }

  private void deleteData() throws Exception {
    if (dataDir != null) {
      try (var paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** {@code rate} other than the 10,000/s: to compare CPU per action on a machine too busy for that rate. */
  private void overhead(int rate) throws Exception {
    Run run = start("simulated.latency = 0ms");
    Result warm = run.open(rate, 3, "noop");
    System.out.printf("overhead warm-up: %s%n", warm.summary());
    Result result = run.open(rate, 10, "noop");
    System.out.printf("overhead, zero-latency effector, open model %,d actions/s for 10 s: %s%n", rate,
        result.summary());
    run.stop();
  }

  /**
   * The same sender and collector with an actor that answers every Execute at once: the floor this machine and
   * harness put under any executor (thread hand-offs, scheduling noise, GC).
   */
  private void baseline() throws Exception {
    Run echo = start("simulated.latency = 0ms").withExecutor(kit.spawn(Behaviors.receive(ActionExecutor.Command.class)
        .onMessage(ActionExecutor.Execute.class, execute -> {
          execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "echo", 1));
          return Behaviors.same();
        }).build(), "echo"));
    echo.open(10_000, 3, "noop");
    Result result = echo.open(10_000, 10, "noop");
    System.out.printf("baseline (an actor answering at once), open model 10,000/s for 10 s: %s%n", result.summary());
    echo.stop();
  }

  private void bursts() throws Exception {
    for (String latency : List.of("seed", "zero")) {
      Run run = start(latency.equals("seed") ? SEED_LATENCIES : "simulated.latency = 0ms");
      String[] types = latency.equals("seed") ? SEED_TYPES : new String[] {"noop"};
      run.burst(200, types);
      Histogram wait = new Histogram(3);
      Histogram endToEnd = new Histogram(3);
      Map<String, Long> outcomes = new TreeMap<>();
      for (int burst = 0; burst < 5; burst++) {
        Result result = run.burst(1000, types);
        System.out.printf("  burst %d: queue wait %s%n", burst + 1, percentiles(result.queueWait));
        wait.add(result.queueWait);
        endToEnd.add(result.endToEnd);
        result.outcomes.forEach((k, v) -> outcomes.merge(k, v, Long::sum));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      }
      System.out.printf("bursts 5 x 1000, %s latencies: queue wait %s; end to end %s; outcomes %s%n", latency,
          percentiles(wait), percentiles(endToEnd), outcomes);
      run.stop();
    }
  }

  private void utilisation() throws Exception {
    Run run = start(SEED_LATENCIES);
    run.open(1000, 2, SEED_TYPES);
    for (int rate : new int[] {1000, 2500, 4000, 4500}) {
      Result result = run.open(rate, 5, SEED_TYPES);
      System.out.printf("seed latencies, open model %,d actions/s for 5 s: %s%n", rate, result.summary());
    }
    run.stop();
    // the seed's 2000-action case, with room to queue them all (the default queue refuses beyond 1000 + 30)
    Run roomy = start(SEED_LATENCIES + "queue-capacity = 2000");
    roomy.burst(200, SEED_TYPES);
    Result all = roomy.burst(2000, SEED_TYPES);
    System.out.printf("seed latencies, 2000 actions at once, queue-capacity 2000: %s%n", all.summary());
    roomy.stop();
  }

  private Run start(String executorOverrides) {
    Config config = ConfigFactory.parseString("autonomics.executor {" + executorOverrides + "}")
        .withFallback(ConfigFactory.load());
    ExecutorSettings settings = ExecutorSettings.create(config);
    ReceiptStore receipts = !withLedger ? null : store.equals("rocksdb")
        ? RocksReceiptStore.open(dataDir.resolve("ledger-" + System.nanoTime())) : new MemoryReceiptStore();
    Behavior<Ledger.Command> ledgerBehavior = withLedger
        ? Ledger.create(receipts, LedgerSettings.create(ConfigFactory.parseString(
            "autonomics.ledger.durability = " + durability).withFallback(config)))
        : Behaviors.ignore();
    ActorRef<Ledger.Command> ledger = kit.spawn(ledgerBehavior, "ledger-" + System.nanoTime(),
        DispatcherSelector.fromConfig("autonomics.ledger.dispatcher"));
    MeterRegistry registry = new SimpleMeterRegistry();
    Recorder recorder = new Recorder();
    Effector effector = new StartRecorder(
        new SimulatedEffector(settings.simulated()), recorder);
    ActorRef<ActionExecutor.Command> executor = kit.spawn(
        ActionExecutor.create(ledger, settings, registry, Effectors.of(effector)), "executor-" + System.nanoTime());
    return new Run(kit, executor, ledger, receipts, registry, settings, recorder);
  }

  /** Where each action of the current round was sent and started, by its index (the low 64 bits of its id). */
  static final class Recorder {
    volatile long[] sent = new long[0];
    volatile long[] started = new long[0];

    static String actionId(int index) {
      return "0000000000000001" + HexFormat.of().toHexDigits((long) index);
    }

    static int indexOf(String actionId) {
      return (int) Long.parseUnsignedLong(actionId, 16, 32, 16);
    }
  }

  /** Notes when each action's first attempt starts, then runs the real simulated effector. */
  private record StartRecorder(Effector inner, Recorder recorder) implements Effector {
    @Override
    public CompletionStage<Result> attempt(Action action, int attempt) {
      if (attempt == 1) {
        recorder.started[Recorder.indexOf(action.id())] = System.nanoTime();
      }
      return inner.attempt(action, attempt);
    }
  }

  /** What one round measured. */
  record Result(int actions, double seconds, Histogram endToEnd, Histogram queueWait, Map<String, Histogram> byType,
      Map<String, Long> outcomes, double utilisation, double cpuMicrosPerAction, Map<String, Double> cpuSplit,
      Map<String, Double> bytesSplit, double meanRunMillis) {
    String summary() {
      StringBuilder types = new StringBuilder();
      if (byType.size() > 1) {
        byType.forEach((type, h) -> types.append(String.format("; %s p99 %.2f ms", type,
            h.getValueAtPercentile(99) / 1e6)));
      }
      return String.format("%,d actions in %.2f s (%,.0f/s); end to end %s; queue wait %s; mean run (checkout to end) "
          + "%.3f ms; utilisation %.1f %%%s; "
          + "process CPU %.1f us/action (%s); heap allocated, bytes/action: %s; outcomes %s", actions, seconds,
          actions / seconds, percentiles(endToEnd), percentiles(queueWait), meanRunMillis, utilisation * 100, types,
          cpuMicrosPerAction, split(cpuSplit, "%s %.1f"), split(bytesSplit, "%s %.0f"), outcomes);
    }

    private static String split(Map<String, Double> perAction, String format) {
      StringBuilder out = new StringBuilder();
      perAction.forEach((group, value) -> {
        if (value >= 0.05) {
          out.append(out.length() == 0 ? "" : ", ").append(String.format(format, group, value));
        }
      });
      return out.toString();
    }
  }

  static String percentiles(Histogram h) {
    return String.format("p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms", h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
  }

  private record Run(ActorTestKit kit, ActorRef<ActionExecutor.Command> executor, ActorRef<Ledger.Command> ledger,
      ReceiptStore store, MeterRegistry registry, ExecutorSettings settings, Recorder recorder) {

    Run withExecutor(ActorRef<ActionExecutor.Command> replacement) {
      kit.stop(executor);
      return new Run(kit, replacement, ledger, store, registry, settings, recorder);
    }

    /** Open model: Poisson arrivals at {@code rate}, each sent at its intended time or as soon after as possible. */
    Result open(int rate, int seconds, String... types) throws Exception {
      int n = rate * seconds;
      long[] intended = new long[n];
      double meanGap = 1e9 / rate;
      long at = 0;
      for (int i = 0; i < n; i++) {
        at += (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * meanGap);
        intended[i] = at;
      }
      return round(n, types, intended);
    }

    /** All actions sent at once, as fast as one thread can. */
    Result burst(int n, String... types) throws Exception {
      return round(n, types, null);
    }

    private Result round(int n, String[] types, long[] intended) throws Exception {
      // actions are made as they are sent, as a node makes them: built up front, 100,000 of them stayed live for the
      // whole round and every young GC copied them again (pauses of 10-17 ms that were the harness's, not the pool's)
      String[] tenants = new String[100];
      for (int t = 0; t < tenants.length; t++) {
        tenants[t] = "tenant-" + t;
      }
      recorder.sent = new long[n];
      recorder.started = new long[n];
      CompletableFuture<Collected> done = new CompletableFuture<>();
      ActorRef<ActionOutcome> collector = kit.spawn(collect(n, types, done), "collector-" + System.nanoTime());
      double busyBefore = busySeconds();
      double[] runBefore = runTotals();
      Map<String, long[]> threadsBefore = byThreadGroup();
      long cpuBefore = processCpuNanos();
      // an open round starts 5 ms ahead, so the first intended send times are not already late
      long t0 = System.nanoTime() + (intended != null ? TimeUnit.MILLISECONDS.toNanos(5) : 0);
      long[] sent = recorder.sent;
      for (int i = 0; i < n; i++) {
        if (intended != null) {
          long due = t0 + intended[i];
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        long now = System.nanoTime();
        sent[i] = intended != null ? t0 + intended[i] : now;
        Action action = new Action(Recorder.actionId(i), tenants[i % tenants.length], types[i % types.length], Map.of());
        executor.tell(new ActionExecutor.Execute(action, collector));
      }
      Collected collected = done.get(120, TimeUnit.SECONDS);
      double elapsed = (collected.lastEnd - t0) / 1e9;
      double utilisation = (busySeconds() - busyBefore) / (settings.maxWorkers() * elapsed);
      double[] runAfter = runTotals();
      double meanRunMillis = (runAfter[0] - runBefore[0]) / Math.max(1, runAfter[1] - runBefore[1]);
      long cpuNanos = processCpuNanos() - cpuBefore;
      double cpuMicrosPerAction = cpuNanos / 1e3 / n;
      Map<String, long[]> threadsAfter = byThreadGroup();
      Map<String, Double> cpuSplit = new TreeMap<>();
      Map<String, Double> bytesSplit = new TreeMap<>();
      long javaThreads = 0;
      for (Map.Entry<String, long[]> group : threadsAfter.entrySet()) {
        long[] before = threadsBefore.getOrDefault(group.getKey(), new long[2]);
        long used = group.getValue()[0] - before[0];
        javaThreads += used;
        cpuSplit.put(group.getKey(), used / 1e3 / n);
        bytesSplit.put(group.getKey(), (group.getValue()[1] - before[1]) / (double) n);
      }
      cpuSplit.put("gc+jit+vm", (cpuNanos - javaThreads) / 1e3 / n);
      Histogram wait = new Histogram(3);
      long[] started = recorder.started;
      for (int i = 0; i < n; i++) {
        if (started[i] > 0) {
          wait.recordValue(Math.max(0, started[i] - sent[i]));
        }
      }
      var receiptsFailed = registry.find("tai.executor.receipts.failed").counter();
      if (receiptsFailed != null && receiptsFailed.count() > 0) {
        collected.outcomes.put("receipts_not_written(total)", (long) receiptsFailed.count());
      }
      return new Result(n, elapsed, collected.endToEnd, wait, collected.byType, collected.outcomes, utilisation,
          cpuMicrosPerAction, cpuSplit, bytesSplit, meanRunMillis);
    }

    /** Total milliseconds and count of the executor's action.duration timers (checkout to end), all types. */
    private double[] runTotals() {
      double millis = 0;
      double count = 0;
      for (var timer : registry.find("tai.executor.action.duration").timers()) {
        millis += timer.totalTime(TimeUnit.MILLISECONDS);
        count += timer.count();
      }
      return new double[] {millis, count};
    }

    /** CPU time of the whole process (all threads: sender, actors, ledger, GC, JIT). */
    private static long processCpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }

    /**
     * CPU time and heap allocated so far by the live Java threads, by role (dispatcher name, or sender for the main
     * thread): where the process CPU of an action goes. What the process used beyond them went to GC, JIT and the
     * VM's own threads. Allocation does not depend on how busy the machine is, so it compares runs made at
     * different loads better than CPU time does.
     */
    private static Map<String, long[]> byThreadGroup() {
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      Map<String, long[]> byGroup = new TreeMap<>();
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        long bytes = threads.getThreadAllocatedBytes(info.getThreadId());
        if (cpu > 0) {
          long[] sum = byGroup.computeIfAbsent(groupOf(info.getThreadName()), g -> new long[2]);
          sum[0] += cpu;
          sum[1] += Math.max(bytes, 0);
        }
      }
      return byGroup;
    }

    private static String groupOf(String threadName) {
      if (threadName.equals("main")) {
        return "sender";
      }
      // bench-autonomics.ledger.dispatcher-5 -> autonomics.ledger.dispatcher
      String name = threadName.startsWith("bench-") ? threadName.substring("bench-".length()) : threadName;
      int dash = name.lastIndexOf('-');
      return dash > 0 && name.substring(dash + 1).chars().allMatch(Character::isDigit) ? name.substring(0, dash) : name;
    }

    private double busySeconds() {
      var busy = registry.find("tai.executor.busy").functionCounter();
      return busy == null ? 0 : busy.count();
    }

    private Behavior<ActionOutcome> collect(int n, String[] types, CompletableFuture<Collected> done) {
      Collected collected = new Collected();
      for (String type : types) {
        collected.byType.put(type, new Histogram(3));
      }
      return Behaviors.receive(ActionOutcome.class).onAnyMessage(outcome -> {
        long now = System.nanoTime();
        int i = Recorder.indexOf(outcome.actionId());
        long latency = Math.max(0, now - recorder.sent[i]);
        collected.endToEnd.recordValue(latency);
        collected.byType.get(types[i % types.length]).recordValue(latency);
        collected.outcomes.merge(outcome instanceof ActionOutcome.Completed ? "completed"
            : ((ActionOutcome.Failed) outcome).reason(), 1L, Long::sum);
        collected.lastEnd = now;
        if (++collected.count == n) {
          done.complete(collected);
          return Behaviors.stopped();
        }
        return Behaviors.same();
      }).build();
    }

    void stop() {
      kit.stop(executor);
      kit.stop(ledger);
      if (store != null) {
        store.close();
      }
    }
  }

  /** Owned by one collector actor until it completes the future with it. */
  private static final class Collected {
    final Histogram endToEnd = new Histogram(3);
    final Map<String, Histogram> byType = new LinkedHashMap<>();
    final Map<String, Long> outcomes = new TreeMap<>();
    long lastEnd;
    int count;
  }
}
