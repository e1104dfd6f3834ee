package tai.autonomics.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.load.ClosedLoad;
import tai.autonomics.bench.load.LatencyRecorder;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.Request;
import tai.autonomics.bench.load.ResourceSampler;
import tai.autonomics.bench.load.StagedLoad;
import tai.autonomics.bench.load.WeightedMix;
import tai.autonomics.bench.support.Anchored;
import tai.autonomics.bench.support.BareServer;
import tai.autonomics.bench.support.BenchNode;
import tai.autonomics.bench.support.CalibrationFirst;
import tai.autonomics.bench.support.ChildJvm;
import tai.autonomics.bench.support.HttpTarget;
import tai.autonomics.bench.support.Lifecycles;
import tai.autonomics.bench.support.Payloads;

/**
 * Cases 25-30: the whole node (HTTP, governors, entitlements, executor, ledger with fsync; {@link BenchNode}:
 * node.jar in a process of its own by default) under sustained, ramping and bursting mixed traffic over real HTTP,
 * with the node's heap, GC and CPU sampled while it runs (through its JVM's MBeans). The traffic is the seed's
 * mix: 30 % GET /health, 50 % POST /pubsub signals of many tenants, 20 % POST /marketplace lifecycle events. Each
 * case is anchored by the same mix, at its main concurrency, on a bare pekko-http server in the same run.
 */
@TestMethodOrder(CalibrationFirst.class)
class SystemStressBench {
  private static final String SUITE = "system_stress";
  private static final BenchProfile PROFILE = BenchProfile.current();
  private static final int TENANTS = 200;

  @TempDir
  static Path dataDir;

  private static BenchNode node;
  private static ChildJvm bareServer;
  private static HttpTarget bare;
  private static boolean fullApi;

  @BeforeAll
  static void start() {
    bareServer = BareServer.start(dataDir.resolve("bare.log"));
    bare = new HttpTarget("bare", java.net.URI.create(bareServer.baseUrl()));
    node = BenchNode.start(dataDir.resolve("node"), Map.of("autonomics.ledger.durability", "fsync"));
    fullApi = node.http().serves("/pubsub") && node.http().serves("/marketplace");
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (bare != null) {
        bare.close();
      }
      if (bareServer != null) {
        bareServer.close();
      }
    }
  }

  private static boolean is2xx(int status) {
    return status >= 200 && status < 300;
  }

  /** The seed's realistic mix on {@code target}; each call builds fresh per-kind counters. */
  private static WeightedMix mix(HttpTarget target, String healthPath) {
    return WeightedMix.builder()
        .add("health", 30, target.get(healthPath, SystemStressBench::is2xx))
        .add("pubsub", 50, target.post("/pubsub", () -> Payloads.anySignal(TENANTS), SystemStressBench::is2xx))
        .add("marketplace", 20, new Lifecycles(target, "stress-" + RUN + "-" + MIXES.incrementAndGet()))
        .build();
  }

  /** Fresh tenants in every run, also against a long-running node (--target). */
  private static final String RUN = Long.toHexString(System.nanoTime());

  private static final AtomicLong MIXES = new AtomicLong();

  private static WeightedMix realistic() {
    assumeTrue(fullApi, "POST /pubsub and /marketplace are not served by this build");
    return mix(node.http(), "/health");
  }

  /** The same mix at {@code workers} on the bare server (for up to 10 s, 3 in quick), as the case's anchor. */
  private static void anchor(CaseResult r, LoadResult measured, int workers) {
    WeightedMix bareMix = mix(bare, "/hello");
    ClosedLoad.run(ClosedLoad.Settings.of("anchor warm-up", workers, Duration.ofSeconds(1)), bareMix);
    LoadResult bareLoad = ClosedLoad.run(ClosedLoad.Settings.of("anchor: " + Anchored.MIX + ", " + workers
        + " workers", workers, seconds(10, 3)), bareMix);
    Anchored.record(r, Anchored.MIX, measured, bareLoad);
  }

  /** A sampler of the node's JVM; empty when it cannot be reached (a --target node). */
  private static Optional<ResourceSampler> sampler(int fullMillis, int quickMillis, boolean gcFirst) {
    return node.jvm().map(jvm -> ResourceSampler.start(jvm, Duration.ofMillis(PROFILE.pick(fullMillis, quickMillis)),
        gcFirst));
  }

  private static Optional<ResourceSampler.Report> resources(CaseResult r, Optional<ResourceSampler> sampler) {
    Optional<ResourceSampler.Report> report = sampler.map(ResourceSampler::stop);
    report.ifPresentOrElse(r::resources,
        () -> r.param("resources", "not sampled: the node's JVM cannot be reached (" + node.mode() + ")"));
    return report;
  }

  private static Duration seconds(int full, int quick) {
    return Duration.ofSeconds(PROFILE.pick(full, quick));
  }

  private static CaseResult result(String name, WeightedMix traffic) {
    CaseResult r = CaseResult.of(SUITE, name).param("node", node.mode()).param("store", node.storeKind())
        .param("durability", "fsync")
        .param("mix", traffic.shares());
    return r;
  }

  private static void perKind(CaseResult r, WeightedMix traffic) {
    r.metric("failure_samples", node.http().failureSamples());
    for (Map.Entry<String, WeightedMix.KindStats> kind : traffic.stats().entrySet()) {
      WeightedMix.KindStats stats = kind.getValue();
      r.metric(kind.getKey() + "_ok", stats.ok()).metric(kind.getKey() + "_errors", stats.errors())
          .metric(kind.getKey() + "_p99_ms", stats.ok() == 0 ? 0 : stats.latencies().getValueAtPercentile(99) / 1e6);
    }
  }

  private static void warmUp(Request request) {
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", 10, Duration.ofSeconds(PROFILE.pick(5, 2))), request);
  }

  @Test
  void bench_steady_state() {
    WeightedMix traffic = realistic();
    Duration duration = seconds(60, 6);
    warmUp(traffic);
    Optional<ResourceSampler> sampler = sampler(1000, 250, false);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("20 workers", 20, duration), traffic);
    CaseResult r = result("bench_steady_state", traffic).param("workers", 20).param("duration_s",
        duration.toSeconds()).load(load);
    Optional<ResourceSampler.Report> resources = resources(r, sampler);
    perKind(r, traffic);
    anchor(r, load, 20);
    r.above("success > 95 %", "success_rate", load.successRate(), 0.95);
    r.below("p99 < 1000 ms", "p99_ms", load.percentileMillis(99), 1000);
    resources.ifPresent(report -> r.below("heap peak < 1.5 x average", "heap_peak_over_average",
        report.heapPeak() / report.heapAverage(), 1.5));
    r.finish();
  }

  @Test
  void bench_ramp_up() {
    WeightedMix traffic = realistic();
    Duration total = seconds(120, 10);
    List<StagedLoad.Stage> stages = StagedLoad.ramp(10, 100, PROFILE.pick(10, 5), total);
    Optional<ResourceSampler> sampler = sampler(1000, 250, false);
    StagedLoad.Result run = StagedLoad.run("ramp 10 to 100", stages, traffic,
        Duration.ofMillis(PROFILE.pick(1000, 250)));
    CaseResult r = result("bench_ramp_up", traffic).param("from_workers", 10).param("to_workers", 100)
        .param("steps", stages.size()).param("duration_s", total.toSeconds()).load(run.overall());
    resources(r, sampler);
    run.stages().forEach(r::part);
    perKind(r, traffic);
    anchor(r, run.stages().get(run.stages().size() - 1), 100); // the top step against the same 100 workers
    double worst = run.stages().stream().mapToDouble(LoadResult::successRate).min().orElse(0);
    r.metric("worst_stage_success", worst);
    r.above("success > 90 % throughout (every step)", "worst_stage_success", worst, 0.90);
    r.finish();
  }

  @Test
  void bench_burst_load() {
    WeightedMix traffic = realistic();
    List<StagedLoad.Stage> stages = List.of(
        new StagedLoad.Stage("baseline, 10 workers", 10, seconds(10, 3)),
        new StagedLoad.Stage("burst, 100 workers", 100, seconds(30, 4)),
        new StagedLoad.Stage("after, 10 workers", 10, seconds(30, 6)));
    Optional<ResourceSampler> sampler = sampler(1000, 250, false);
    StagedLoad.Result run = StagedLoad.run("burst", stages, traffic, Duration.ofMillis(PROFILE.pick(1000, 500)));
    LoadResult burst = run.stages().get(1);
    double recovery = recoverySeconds(run.stages().get(0), run.stages().get(2));
    CaseResult r = result("bench_burst_load", traffic).param("burst_workers", 100)
        .param("burst_s", stages.get(1).duration().toSeconds()).load(run.overall())
        .metric("burst_success", burst.successRate()).metric("recovery_s", recovery);
    resources(r, sampler);
    run.stages().forEach(r::part);
    perKind(r, traffic);
    anchor(r, burst, 100);
    r.above("success > 80 % during the burst", "burst_success", burst.successRate(), 0.80);
    r.below("latency back to baseline < 30 s after", "recovery_s", recovery, 30);
    r.finish();
  }

  @Test
  void bench_mixed_load() {
    WeightedMix traffic = realistic();
    Duration duration = seconds(60, 6);
    Optional<ResourceSampler> sampler = sampler(1000, 250, false);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("30 workers", 30, duration), traffic);
    CaseResult r = result("bench_mixed_load", traffic).param("workers", 30).param("duration_s", duration.toSeconds())
        .load(load);
    resources(r, sampler);
    perKind(r, traffic);
    anchor(r, load, 30);
    r.above("success > 90 %", "success_rate", load.successRate(), 0.90);
    r.finish();
  }

  @Test
  void bench_memory_stability() {
    WeightedMix traffic = realistic();
    assumeTrue(node.jvm().isPresent(), "the node's heap cannot be sampled (" + node.mode() + "): run it without "
        + "--target (a node the suite starts) to measure its memory");
    assumeTrue(node.storeKind().equals("rocksdb"),
        "the memory store keeps every receipt on the heap by design: heap growth is its data, not a leak");
    Duration duration = seconds(180, 20);
    warmUp(traffic);
    // live heap after a full collection, sampled through the run; growth is the slope over all samples
    ResourceSampler sampler = ResourceSampler.start(node.jvm().get(), Duration.ofMillis(PROFILE.pick(5000, 1000)),
        true);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("15 workers", 15, duration), traffic);
    ResourceSampler.Report resources = sampler.stop();
    // the slope over the samples taken under load (the last one is taken after the load stopped)
    List<ResourceSampler.Sample> loaded = resources.samples().subList(0, Math.max(2, resources.samples().size() - 1));
    double growth = ResourceSampler.slope(loaded) / (1024 * 1024);
    CaseResult r = result("bench_memory_stability", traffic).param("workers", 15)
        .param("duration_s", duration.toSeconds()).load(load).resources(resources).metric("growth_mb_per_s", growth);
    perKind(r, traffic);
    anchor(r, load, 15);
    r.above("success > 95 % while sustained", "success_rate", load.successRate(), 0.95);
    r.below("heap growth < 0.5 MB/s", "growth_mb_per_s", growth, 0.5);
    r.finish();
  }

  @Test
  void bench_recovery() {
    WeightedMix traffic = realistic();
    List<StagedLoad.Stage> stages = List.of(
        new StagedLoad.Stage("baseline", 10, seconds(10, 3)),
        new StagedLoad.Stage("burst", 100, seconds(30, 3)),
        new StagedLoad.Stage("recovery", 10, seconds(30, 6)));
    StagedLoad.Result run = StagedLoad.run("recovery", stages, traffic, Duration.ofMillis(PROFILE.pick(1000, 500)));
    double recovery = recoverySeconds(run.stages().get(0), run.stages().get(2));
    CaseResult r = result("bench_recovery", traffic).load(run.overall())
        .metric("baseline_p50_ms", run.stages().get(0).percentileMillis(50))
        .metric("recovery_p50_ms", run.stages().get(2).percentileMillis(50)).metric("recovery_s", recovery);
    run.stages().forEach(r::part);
    perKind(r, traffic);
    anchor(r, run.stages().get(1), 100);
    r.holds("no request lost", "errors", run.overall().errors() == 0);
    r.below("latency within 20 % of baseline in < 30 s", "recovery_s", recovery, 30);
    r.finish();
  }

  /**
   * Seconds from the start of {@code after} to the first interval that begins three in a row whose median latency
   * is within 20 % of the baseline's median (with a 1 ms floor: below that, scheduling noise on a shared machine
   * is larger than 20 %); infinity when that never happens. The last interval, where the stage drains, and
   * intervals without answers are left out.
   */
  static double recoverySeconds(LoadResult baseline, LoadResult after) {
    double bound = Math.max(1.2 * baseline.percentileNanos(50), baseline.percentileNanos(50) + 1_000_000);
    List<LatencyRecorder.IntervalStats> intervals = after.intervals().stream()
        .limit(Math.max(0, after.intervals().size() - 1)).filter(i -> i.ok() > 0).toList();
    int needed = Math.min(3, intervals.size());
    for (int i = 0; i + needed <= intervals.size() && needed > 0; i++) {
      boolean settled = true;
      for (int j = i; j < i + needed; j++) {
        settled &= intervals.get(j).p50Nanos() <= bound;
      }
      if (settled) {
        return intervals.get(i).startSeconds();
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
