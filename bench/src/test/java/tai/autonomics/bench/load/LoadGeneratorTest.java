package tai.autonomics.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The load generators against a fake service with a known latency: counts, bounds, and what they measure. */
class LoadGeneratorTest {
  private static CompletionStage<Boolean> after(long millis, boolean outcome) {
    Executor delayed = CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(() -> outcome, delayed);
  }

  @Test
  void closedLoadHonoursTheBudgetPerWorkerAndMeasuresTheServiceTime() {
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("budget", 4, Duration.ofSeconds(30)).perWorker(25),
        () -> after(2, true));
    assertEquals(100, result.ok());
    assertEquals(0, result.errors());
    assertTrue(result.percentileMillis(50) >= 2, "latency includes the 2 ms service time");
    // 4 workers, 25 sequential 2 ms requests each: at least 50 ms of wall time, so at most ~2000/s
    assertTrue(result.wallSeconds() >= 0.05 && result.throughput() <= 2000, () -> "throughput " + result.throughput());
  }

  @Test
  void closedLoadStopsAtItsDeadline() {
    long start = System.nanoTime();
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("deadline", 2, Duration.ofMillis(300)),
        () -> after(5, true));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 5, () -> "ran " + seconds + " s");
    assertTrue(result.ok() > 2 && result.ok() < 400, () -> "ok " + result.ok());
  }

  @Test
  void closedLoadCountsFailuresAndUnansweredRequestsAsErrors() {
    AtomicInteger n = new AtomicInteger();
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("errors", 1, Duration.ofSeconds(10)).maxRequests(10),
        () -> n.incrementAndGet() % 2 == 0 ? after(1, false) : CompletableFuture.failedFuture(new RuntimeException()));
    assertEquals(10, result.errors());
    LoadResult hung = ClosedLoad.run(ClosedLoad.Settings.of("hung", 3, Duration.ofMillis(100))
        .grace(Duration.ofMillis(200)), CompletableFuture::new);
    assertEquals(3, hung.errors(), "a request that never answers is an error once the grace period is over");
  }

  @Test
  void openLoadMeasuresFromTheIntendedStartSoAStallShowsInLaterRequests() {
    AtomicInteger n = new AtomicInteger();
    // 50 requests/s for 1 s; the 10th request stalls for 500 ms, and only one request may be in flight
    LoadResult result = OpenLoad.run(OpenLoad.Settings.of("stall", 50, Duration.ofSeconds(1)).maxInFlight(1),
        () -> after(n.incrementAndGet() == 10 ? 500 : 1, true));
    assertEquals(50, result.ok());
    // a closed measurement would show one slow request; from the intended start, the ~25 requests due during the
    // stall all waited for it, the one due right after it almost the whole 500 ms
    long waited = result.latencies().getCountBetweenValues(200_000_000L, Long.MAX_VALUE / 4);
    assertTrue(waited >= 10, () -> waited + " requests show the stall");
    assertTrue(result.latencies().getMaxValue() >= 450_000_000L, "the stalled request itself");
  }

  @Test
  void stagedLoadRunsEveryStageOnOneTimeLine() {
    List<StagedLoad.Stage> ramp = StagedLoad.ramp(1, 4, 4, Duration.ofMillis(400));
    assertEquals(List.of(1, 2, 3, 4), ramp.stream().map(StagedLoad.Stage::workers).toList());
    StagedLoad.Result result = StagedLoad.run("ramp", ramp, () -> after(2, true), Duration.ofMillis(100));
    assertEquals(4, result.stages().size());
    assertEquals(result.stages().stream().mapToLong(LoadResult::ok).sum(), result.overall().ok());
    assertTrue(result.overall().intervals().size() >= 4);
  }

  @Test
  void weightedMixDrawsByWeightAndKeepsPerKindOutcomes() {
    WeightedMix mix = WeightedMix.builder().add("a", 3, () -> after(0, true)).add("b", 1, () -> after(0, false))
        .build();
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("mix", 4, Duration.ofSeconds(30)).maxRequests(2000),
        mix);
    long a = mix.stats().get("a").ok();
    long b = mix.stats().get("b").errors();
    assertEquals(2000, a + b);
    assertEquals(result.errors(), b);
    assertTrue(a > 1300 && a < 1700, () -> "a drawn " + a + " times of 2000 at weight 3:1");
    assertEquals(0.75, mix.shares().get("a"), 1e-9);
  }

  @Test
  void samplerReportsHeapGcAndGrowth() {
    ResourceSampler.Report report = ResourceSampler.start(Duration.ofMillis(20), true).stop();
    assertTrue(report.samples().size() >= 2);
    assertTrue(report.heapPeak() > 0 && report.gcCount() >= 1, "gcFirst samples after a collection");
    List<ResourceSampler.Sample> rising = List.of(new ResourceSampler.Sample(0, 0, 0, 0, 0, 0),
        new ResourceSampler.Sample(1, 1_000_000, 0, 0, 0, 0), new ResourceSampler.Sample(2, 2_000_000, 0, 0, 0, 0));
    assertEquals(1_000_000, ResourceSampler.slope(rising), 1e-6);
  }
}
