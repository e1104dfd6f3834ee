package tai.autonomics.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.load.ClosedLoad;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.OpenLoad;
import tai.autonomics.bench.load.Request;
import tai.autonomics.bench.support.NodeHarness;
import tai.autonomics.bench.support.Payloads;

/**
 * Cases 1-6: a real node in this JVM on 127.0.0.1, loaded over real HTTP connections (java.net.http, HTTP/1.1,
 * one connection per concurrent request). Success is a 2xx, except in the error-handling case, where the expected
 * answer to a malformed body is a 4xx with a JSON error.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class HttpEndpointBench {
  private static final String SUITE = "http_endpoint";
  private static final BenchProfile PROFILE = BenchProfile.current();
  private static final int TENANTS = 50;

  @TempDir
  static Path dataDir;

  private static NodeHarness node;

  @BeforeAll
  static void start() {
    node = NodeHarness.start(ConfigFactory.parseString("autonomics.ledger.durability = fsync"),
        dataDir.resolve("node"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Duration seconds(int full, int quick) {
    return Duration.ofSeconds(PROFILE.pick(full, quick));
  }

  private static boolean is2xx(int status) {
    return status >= 200 && status < 300;
  }

  private static CaseResult result(String name, int workers, Duration duration) {
    return CaseResult.of(SUITE, name).metric("failure_samples", node.failureSamples())
        .param("store", node.storeKind()).param("durability", "fsync")
        .param("workers", workers).param("duration_s", duration.toSeconds());
  }

  private static void warmUp(Request request) {
    ClosedLoad.run(ClosedLoad.Settings.of("warm-up", 5, Duration.ofSeconds(2)).maxRequests(200), request);
  }

  @Test
  void bench_health_endpoint() {
    Duration duration = seconds(10, 3);
    Request health = node.get("/health", HttpEndpointBench::is2xx);
    warmUp(health);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("closed, 10 workers", 10, duration), health);
    // the open-model view: a fixed 100 requests/s, latency from the intended start (queueing shows)
    LoadResult open = OpenLoad.run(OpenLoad.Settings.of("open, 100 req/s", 100, duration).maxInFlight(100), health);
    CaseResult r = result("bench_health_endpoint", 10, duration).load(load).part(open)
        .metric("open_p99_ms", open.percentileMillis(99));
    r.below("p99 < 100 ms", "p99_ms", load.percentileMillis(99), 100);
    r.above("> 100 RPS", "throughput", load.throughput(), 100);
    r.below("errors < 1 %", "error_rate", load.errorRate(), 0.01);
    r.finish();
  }

  @Test
  void bench_pubsub_endpoint() {
    assumeTrue(node.serves("/pubsub"), "POST /pubsub is not served by this build");
    Duration duration = seconds(10, 3);
    Request pubsub = node.post("/pubsub", () -> Payloads.anySignal(TENANTS), HttpEndpointBench::is2xx);
    warmUp(pubsub);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("closed, 5 workers", 5, duration), pubsub);
    CaseResult r = result("bench_pubsub_endpoint", 5, duration).param("tenants", TENANTS).load(load);
    r.below("p99 < 500 ms", "p99_ms", load.percentileMillis(99), 500);
    r.above("> 20 RPS", "throughput", load.throughput(), 20);
    r.below("errors < 5 %", "error_rate", load.errorRate(), 0.05);
    r.finish();
  }

  @Test
  void bench_marketplace_endpoint() {
    assumeTrue(node.serves("/marketplace"), "POST /marketplace is not served by this build");
    Duration duration = seconds(10, 3);
    // each worker walks fresh tenants through grant, suspend, resume, revoke: every event is a valid transition
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("closed, 5 workers", 5, duration), worker -> {
      AtomicLong step = new AtomicLong();
      return node.post("/marketplace", () -> {
        long n = step.getAndIncrement();
        String tenant = "mkt-" + worker + "-" + (n / Payloads.LIFECYCLE.size());
        return Payloads.marketplace(tenant, Payloads.LIFECYCLE.get((int) (n % Payloads.LIFECYCLE.size())));
      }, HttpEndpointBench::is2xx);
    });
    CaseResult r = result("bench_marketplace_endpoint", 5, duration).load(load);
    r.below("p99 < 500 ms", "p99_ms", load.percentileMillis(99), 500);
    r.below("errors < 5 %", "error_rate", load.errorRate(), 0.05);
    r.finish();
  }

  @Test
  void bench_concurrent_requests() {
    Duration each = seconds(15, 3);
    int perConnection = 5;
    Request health = node.get("/health", HttpEndpointBench::is2xx);
    warmUp(health);
    CaseResult r = result("bench_concurrent_requests", 50, each).param("requests_per_connection_per_s",
        perConnection);
    double previousP99 = -1;
    LoadResult last = null;
    for (int connections : List.of(10, 25, 50)) {
      // N connections, each sending 5 requests/s: the offered load grows with the connections, the server
      // is not driven to saturation, so the latency growth is what concurrency itself costs
      LoadResult load = OpenLoad.run(OpenLoad.Settings.of(connections + " connections", connections * perConnection,
          each).maxInFlight(connections), health);
      if (last == null) {
        r.load(load);
      } else {
        r.part(load);
      }
      double p99 = load.percentileMillis(99);
      r.metric("p99_ms_at_" + connections, p99).metric("success_at_" + connections, load.successRate());
      if (previousP99 > 0) {
        double growth = (p99 - previousP99) / previousP99;
        r.metric("p99_growth_to_" + connections, growth);
        r.below("p99 growth < 20 % per 2.5x (to " + connections + ")", "p99_growth_to_" + connections, growth, 0.20);
      }
      previousP99 = p99;
      last = load;
    }
    r.below("at 50: p99 < 300 ms", "p99_ms_at_50", last.percentileMillis(99), 300);
    r.above("at 50: success > 95 %", "success_at_50", last.successRate(), 0.95);
    r.finish();
  }

  @Test
  void bench_large_payloads() {
    assumeTrue(node.serves("/pubsub"), "POST /pubsub is not served by this build");
    Duration duration = seconds(10, 3);
    int dataBytes = 750_000; // about 1 MB once base64-encoded in the push envelope
    Request large = node.post("/pubsub", () -> Payloads.largeSignal(TENANTS, dataBytes), HttpEndpointBench::is2xx);
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("closed, 5 workers, ~1 MB", 5, duration), large);
    CaseResult r = result("bench_large_payloads", 5, duration).param("body_bytes", dataBytes * 4 / 3).load(load);
    r.above("some requests served", "ok", load.ok(), 0);
    r.below("errors < 10 %", "error_rate", load.errorRate(), 0.10);
    r.finish();
  }

  @Test
  void bench_error_handling() {
    assumeTrue(node.serves("/pubsub"), "POST /pubsub is not served by this build");
    Duration duration = seconds(10, 3);
    AtomicLong kinds = new AtomicLong();
    AtomicLong serverErrors = new AtomicLong();
    String oversize = "{\"tenant_id\":\"" + "x".repeat(1_200_000) + "\"}";
    // every 50th request is oversize for /marketplace (1 MiB); the rest are malformed push envelopes of 8 kinds
    Request malformed = () -> {
      long kind = kinds.getAndIncrement();
      var request = kind % 50 == 49 ? node.postRequest("/marketplace", oversize)
          : node.postRequest("/pubsub", Payloads.malformed((int) kind));
      return node.send(request).thenApply(response -> {
        if (response.statusCode() >= 500) {
          serverErrors.incrementAndGet();
        }
        return rejectedWithJson(response);
      });
    };
    LoadResult load = ClosedLoad.run(ClosedLoad.Settings.of("closed, 10 workers, malformed", 10, duration),
        malformed);
    int healthAfter = node.health();
    CaseResult r = result("bench_error_handling", 10, duration).load(load).metric("server_errors", serverErrors.get())
        .metric("health_after", healthAfter);
    r.above("> 90 % rejected with a 4xx and a JSON error", "success_rate", load.successRate(), 0.90);
    r.holds("zero 5xx", "server_errors", serverErrors.get() == 0);
    r.holds("node healthy afterwards", "health_after", healthAfter == 200);
    r.finish();
  }

  private static boolean rejectedWithJson(HttpResponse<String> response) {
    String body = response.body() == null ? "" : response.body().trim();
    return response.statusCode() >= 400 && response.statusCode() < 500 && body.startsWith("{")
        && body.contains("\"reason\"");
  }
}
