package tai.autonomics.bench;

import tai.autonomics.node.AskAnswers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.load.ClosedLoad;
import tai.autonomics.bench.load.LatencyRecorder;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.support.BenchStores;
import tai.autonomics.bench.support.CoreHarness;
import tai.autonomics.bench.support.anchors.EchoActor;
import tai.autonomics.bench.support.anchors.EchoLoads;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.GovernorState;
import tai.autonomics.ledger.Receipt;

/**
 * Cases 7-12: the real Governor state machine under its parent Governors, with the real Entitlements, Ledger and
 * ActionExecutor (docs/ARCHITECTURE.md). Requests are actor asks from outside, as the HTTP edge makes them; the ledger runs
 * with durability off so the figures are the state machine's, not the disk's (the ledger suite measures the disk).
 * Beside each case, its anchor: the same load of asks to an {@link EchoActor} at the same concurrency and counts.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class GovernorPerfBench {
  private static final String SUITE = "governor_perf";
  private static final Duration LONG = Duration.ofSeconds(120);
  private static final BenchProfile PROFILE = BenchProfile.current();

  @TempDir
  static Path dataDir;

  private static Config config;
  private static ActorTestKit testKit;
  private static BenchStores.Opened opened;
  private static CoreHarness core;

  @BeforeAll
  static void start() {
    Config base = ConfigFactory.parseString("""
        autonomics.ledger.durability = off
        autonomics.entitlements.refuse-unknown-tenants = false
        autonomics.governor.idle-timeout = 0s
        autonomics.executor.simulated { latency = 1ms, types.scale.latency = 1ms }
        autonomics.policy.default-pack = bench
        autonomics.policy.packs.bench {
          cooldown = 1ms
          quarantine = 1s
          default-rule { warn-above = 60, act-above = 80, action = scale }
        }
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load());
    opened = BenchStores.open(base, dataDir.resolve("ledger"));
    config = opened.config();
    testKit = ActorTestKit.create("governor-bench", config);
    core = CoreHarness.start(testKit, config, opened.store(), "main");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    opened.store().close();
    dataDirStores.forEach(extra -> extra.store().close());
  }

  private static CaseResult result(String name) {
    return CaseResult.of(SUITE, name).param("store", opened.kind()).param("durability", "off");
  }

  private static ClosedLoad.Settings sequential(String label, long count) {
    return ClosedLoad.Settings.of(label, 1, LONG).maxRequests(count);
  }

  private static final String ECHO = "echo actor";
  private static final AtomicLong echoes = new AtomicLong();

  private static org.apache.pekko.actor.typed.ActorRef<EchoActor.Command> echo() {
    return testKit.spawn(EchoActor.create(), "echo-" + echoes.incrementAndGet());
  }

  /** {@code count} sequential asks to one echo actor, warmed first: the anchor of the one-worker cases. */
  private static LoadResult echoLoad(long count) {
    var echo = echo();
    ClosedLoad.run(sequential("echo warm-up", 1000), () -> EchoActor.ask(echo, testKit.system()));
    return ClosedLoad.run(sequential("echo ask", count), () -> EchoActor.ask(echo, testKit.system()));
  }

  @Test
  void bench_state_transitions() {
    int count = PROFILE.pick(1000, 300);
    AtomicLong tenants = new AtomicLong();
    ClosedLoad.run(sequential("warm-up", count / 5), () -> core.state("warm-" + tenants.incrementAndGet())
        .thenApply(view -> view.state() == GovernorState.STABLE));
    // each request names a governor never used before: spawn, boot (entitlement + ledger head), answer as stable
    LoadResult load = ClosedLoad.run(sequential("boot-to-stable", count),
        () -> core.state("boot-" + tenants.incrementAndGet()).thenApply(view -> view.state() == GovernorState.STABLE));
    // the anchor: an actor that spawns a fresh echo per ask, which answers and stops
    var spawner = testKit.spawn(EchoActor.spawning(), "echo-spawner");
    ClosedLoad.run(sequential("warm-up", count / 5), () -> EchoActor.ask(spawner, testKit.system()));
    LoadResult anchor = ClosedLoad.run(sequential("spawn echo per ask", count),
        () -> EchoActor.ask(spawner, testKit.system()));
    CaseResult r = result("bench_state_transitions").param("governors", count).param("workers", 1).load(load)
        .part(anchor).anchor("echo actor spawned per ask", "p99_ms", load.percentileMillis(99),
            anchor.percentileMillis(99))
        .anchor("echo actor spawned per ask", "throughput", load.throughput(), anchor.throughput());
    r.holds("all governors reached stable", "errors", load.errors() == 0 && load.ok() == count);
    r.below("p99 < 10 ms", "p99_ms", load.percentileMillis(99), 10);
    r.above("> 100 ops/s", "throughput", load.throughput(), 100);
    r.finish();
  }

  @Test
  void bench_signal_processing() {
    int count = PROFILE.pick(5000, 2000);
    String tenant = "signals";
    AtomicLong seq = new AtomicLong();
    ClosedLoad.run(sequential("warm-up", 1000), () -> core.signal(tenant, "cpu", seq.incrementAndGet() % 50, null)
        .thenApply(receipt -> true));
    // values below the warn threshold: every signal is decided ok, written, and answered with its receipt
    LoadResult load = ClosedLoad.run(sequential("signals", count),
        () -> core.signal(tenant, "cpu", seq.incrementAndGet() % 50, null)
            .thenApply(receipt -> receipt.isSealed() && "stable".equals(receipt.stateTo())));
    // the floor under every figure of this suite: one ask to an actor that only answers, on this machine now
    LoadResult floor = echoLoad(count);
    CaseResult r = result("bench_signal_processing").param("signals", count).param("workers", 1).load(load)
        .part(floor).metric("echo_ask_p50_us", floor.percentileMicros(50))
        .metric("echo_ask_p99_us", floor.percentileMicros(99))
        .anchor(ECHO, "p99_us", load.percentileMicros(99), floor.percentileMicros(99))
        .anchor(ECHO, "throughput", load.throughput(), floor.throughput());
    r.holds("every signal answered with its receipt", "errors", load.errors() == 0 && load.ok() == count);
    r.below("p99 < 1000 us", "p99_us", load.percentileMicros(99), 1000);
    r.above("> 100 ops/s", "throughput", load.throughput(), 100);
    r.finish();
  }

  @Test
  void bench_concurrent_governors() {
    int governors = 100;
    int perGovernor = PROFILE.pick(100, 50);
    AtomicLong seq = new AtomicLong();
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", governors, LONG).perWorker(10),
        worker -> () -> core.signal("concurrent-" + worker, "cpu", 10, null).thenApply(receipt -> true));
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("concurrent", governors, LONG).perWorker(perGovernor),
        worker -> () -> core.signal("concurrent-" + worker, "cpu", seq.incrementAndGet() % 50, null)
            .thenApply(receipt -> "stable".equals(receipt.stateTo())));
    List<org.apache.pekko.actor.typed.ActorRef<EchoActor.Command>> echoActors = new ArrayList<>();
    for (int i = 0; i < governors; i++) {
      echoActors.add(echo());
    }
    ClosedLoad.run(ClosedLoad.Settings.of("echo warm-up", governors, LONG).perWorker(10),
        worker -> () -> EchoActor.ask(echoActors.get(worker), testKit.system()));
    LoadResult anchor = ClosedLoad.run(ClosedLoad.Settings.of("100 echo actors", governors, LONG)
        .perWorker(perGovernor), worker -> () -> EchoActor.ask(echoActors.get(worker), testKit.system()));
    CaseResult r = result("bench_concurrent_governors").param("governors", governors)
        .param("signals_per_governor", perGovernor).load(load).part(anchor)
        .anchor("100 echo actors", "throughput", load.throughput(), anchor.throughput());
    r.holds("every signal answered", "errors", load.errors() == 0 && load.ok() == (long) governors * perGovernor);
    r.above("> 10,000 combined ops/s", "throughput", load.throughput(), 10_000);
    r.finish();
  }

  @Test
  void bench_entitlement_checks() {
    int tenants = 100;
    int count = PROFILE.pick(10_000, 3000);
    List<CompletableFuture<Entitlements.Result>> grants = new ArrayList<>();
    for (int i = 0; i < tenants; i++) {
      grants.add(core.grant("entitled-" + i, "professional").toCompletableFuture());
    }
    CompletableFuture.allOf(grants.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    AtomicLong seq = new AtomicLong();
    ClosedLoad.run(sequential("warm-up", 1000), () -> core.check("entitled-" + seq.incrementAndGet() % tenants)
        .thenApply(Entitlements.Status::active));
    LoadResult load = ClosedLoad.run(sequential("checks", count),
        () -> core.check("entitled-" + seq.incrementAndGet() % tenants).thenApply(Entitlements.Status::active));
    LoadResult anchor = echoLoad(count);
    CaseResult r = result("bench_entitlement_checks").param("checks", count).param("tenants", tenants).load(load)
        .part(anchor).anchor(ECHO, "p99_us", load.percentileMicros(99), anchor.percentileMicros(99));
    r.holds("every tenant found active", "errors", load.errors() == 0 && load.ok() == count);
    r.below("p99 < 5000 us", "p99_us", load.percentileMicros(99), 5000);
    r.finish();
  }

  @Test
  void bench_action_tracking() {
    int cycles = PROFILE.pick(1000, 300);
    int tenants = 50;
    AtomicLong seq = new AtomicLong();
    // one cycle: an act-level signal starts an action (intervening), a follow-up signal waits in the stash and is
    // answered once the action completed and the governor is stable again; tenants rotate past their 1 ms cooldown
    java.util.function.Supplier<java.util.concurrent.CompletionStage<Boolean>> cycle = () -> {
      String tenant = "act-" + seq.incrementAndGet() % tenants;
      return core.signal(tenant, "cpu", 95, null).thenCompose(act -> core.signal(tenant, "cpu", 10, null)
          .thenApply(after -> "intervening".equals(act.stateTo()) && act.actionId() != null
              && "stable".equals(after.stateTo())));
    };
    ClosedLoad.run(sequential("warm-up", 100), cycle::get);
    long actionsBefore = core.tap.outcomes();
    LoadResult load = ClosedLoad.run(sequential("act-cycles", cycles), cycle::get);
    long actionsDone = core.tap.outcomes() - actionsBefore;
    // the anchor: the cycle's least work, an ask, the action's 1 ms on the same kind of delayed completion as the
    // simulated effector, and a second ask
    var echo = echo();
    java.util.concurrent.Executor oneMs = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);
    java.util.function.Supplier<java.util.concurrent.CompletionStage<Boolean>> bare = () ->
        EchoActor.ask(echo, testKit.system()).thenComposeAsync(first -> EchoActor.ask(echo, testKit.system()), oneMs);
    ClosedLoad.run(sequential("echo warm-up", 100), bare::get);
    LoadResult anchor = ClosedLoad.run(sequential("echo, 1 ms, echo", cycles), bare::get);
    CaseResult r = result("bench_action_tracking").param("cycles", cycles).param("tenants", tenants)
        .param("simulated_latency_ms", 1).load(load).metric("actions_completed", actionsDone).part(anchor)
        .anchor("echo ask, 1 ms, echo ask", "p99_ms", load.percentileMillis(99), anchor.percentileMillis(99));
    r.holds("every cycle acted, completed and returned to stable", "errors",
        load.errors() == 0 && load.ok() == cycles && actionsDone == cycles);
    r.below("p99 < 10 ms", "p99_ms", load.percentileMillis(99), 10);
    r.finish();
  }

  @Test
  void bench_event_postponement() {
    int postponed = 1000;
    Duration actionLatency = Duration.ofMillis(300);
    Config slow = ConfigFactory.parseString("autonomics.executor.simulated.types.scale.latency = "
        + actionLatency.toMillis() + "ms").withFallback(config);
    BenchStores.Opened own = BenchStores.open(slow, dataDir.resolve("postponement"));
    try {
      CoreHarness harness = CoreHarness.start(testKit, own.config(), own.store(), "postpone");
      String tenant = "postponed";
      harness.signal(tenant, "cpu", 10, null).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
      long start = System.nanoTime();
      Receipt act = harness.signal(tenant, "cpu", 95, null).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS)
          .join();
      long[] answeredAt = new long[postponed];
      boolean[] ok = new boolean[postponed];
      List<CompletableFuture<Receipt>> replies = new ArrayList<>(postponed);
      for (int i = 0; i < postponed; i++) {
        int index = i;
        replies.add(harness.signal(tenant, "cpu", 10, null).toCompletableFuture().whenComplete((receipt, failure) -> {
          answeredAt[index] = System.nanoTime();
          ok[index] = failure == null && "stable".equals(receipt.stateTo());
        }));
      }
      long allSent = System.nanoTime();
      CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).exceptionally(failure -> null)
          .orTimeout(60, TimeUnit.SECONDS).join();
      long completedAt = harness.tap.lastOutcomeNanos();
      LatencyRecorder recorder = new LatencyRecorder(completedAt, 1_000_000);
      long last = completedAt;
      for (int i = 0; i < postponed; i++) {
        recorder.record(ok[i], answeredAt[i] - completedAt, answeredAt[i]);
        last = Math.max(last, answeredAt[i]);
      }
      LoadResult load = LoadResult.of("postponed-after-completion", recorder, last);
      CaseResult r = result("bench_event_postponement").param("postponed_signals", postponed)
          .param("action_latency_ms", actionLatency.toMillis()).load(load)
          .metric("send_all_ms", (allSent - start) / 1e6)
          .metric("action_outcomes", harness.tap.outcomes());
      LoadResult anchor = EchoLoads.stashedThenReleased(testKit, echo(), postponed);
      r.part(anchor).anchor("echo actor, stashed then released", "p99_ms", load.percentileMillis(99),
          anchor.percentileMillis(99));
      r.holds("action started and all signals postponed, then answered", "errors",
          "intervening".equals(act.stateTo()) && harness.tap.outcomes() == 1 && load.errors() == 0
              && load.ok() == postponed && allSent < completedAt);
      r.below("p99 < 10 ms after completion", "p99_ms", load.percentileMillis(99), 10);
      r.finish();
    } finally {
      // the postponement harness's actors stay in the testkit until it shuts down; its store closes with the class
      dataDirStores.add(own);
    }
  }

  private static final List<BenchStores.Opened> dataDirStores = new ArrayList<>();

  private record Echo(org.apache.pekko.actor.typed.ActorRef<Boolean> replyTo) {}
}
