package tai.autonomics.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load client and the load models over real HTTP: a stand-in server on 127.0.0.1 (the JDK's) whose n-th
 * request is answered as the test says (a status, or held before answering), so runs are bounded, stalls show
 * where the open model says they must, and errors and timeouts are counted.
 */
class HttpLoadClientTest {
  private static final int HOLD = -1;

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger arrivals = new AtomicInteger();
  private final ExecutorService serverThreads = Executors.newFixedThreadPool(32);
  private HttpServer server;
  private HttpLoadClient client;

  /** Starts the stand-in: {@code answer(n)} is the status of the n-th request (1-based), or HOLD. */
  private URI serve(IntUnaryOperator answer, Duration hold) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(serverThreads);
    server.createContext("/", exchange -> {
      int n = arrivals.incrementAndGet();
      int status = answer.applyAsInt(n);
      if (status == HOLD) {
        try {
          // the stand-in's stall: it holds this answer for `hold`, or until the test ends
          release.await(hold.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        status = 200;
      }
      reply(exchange, status);
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void reply(HttpExchange exchange, int status) throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    try {
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException clientGone) {
      // a client that timed out closed the connection
    } finally {
      exchange.close();
    }
  }

  private Request get(Duration timeout, int connections, URI base) {
    client = HttpLoadClient.create(base, connections, timeout);
    return () -> client.get("/hello").thenApply(response -> response.status() == 200);
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop(0);
    }
    serverThreads.shutdownNow();
  }

  @Test
  void aBoundedRunStopsOnTimeAgainstAServerThatNeverAnswersInTime() throws IOException {
    Request held = get(Duration.ofSeconds(30), 4, serve(n -> HOLD, Duration.ofSeconds(30)));
    long start = System.nanoTime();
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("held", 4, Duration.ofMillis(300))
        .grace(Duration.ofMillis(300)), held);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 5, () -> "ran " + seconds + " s, bounded at 0.6 s");
    assertEquals(0, result.ok());
    assertEquals(4, result.errors(), "the 4 requests in flight at the end of the grace period are errors");
  }

  @Test
  void openModelLatencyCountsFromTheIntendedStart() throws IOException {
    // 50 requests/s for 1 s over one connection; the server holds its 10th answer 500 ms
    Request request = get(Duration.ofSeconds(10), 1, serve(n -> n == 10 ? HOLD : 200, Duration.ofMillis(500)));
    LoadResult open = OpenLoad.run(OpenLoad.Settings.of("stall", 50, Duration.ofSeconds(1)).maxInFlight(1), request);
    assertEquals(50, open.ok());
    assertEquals(0, open.errors());
    // the ~25 requests due during the stall waited for it: their latencies, from when they were due, show it
    long waited = open.latencies().getCountBetweenValues(200_000_000L, Long.MAX_VALUE / 4);
    assertTrue(waited >= 10, () -> waited + " requests show the stall");
    assertTrue(open.latencies().getMaxValue() >= 450_000_000L, "the held request itself");

    // the closed model, from send to answer, sees the same stall as one slow request
    arrivals.set(0);
    LoadResult closed = ClosedLoad.run(ClosedLoad.Settings.of("closed", 1, Duration.ofSeconds(30)).maxRequests(50),
        request);
    assertEquals(50, closed.ok());
    assertEquals(1, closed.latencies().getCountBetweenValues(200_000_000L, Long.MAX_VALUE / 4));
  }

  @Test
  void errorsAndTimeoutsAreCountedAndTheConnectionRecovers() throws IOException {
    // in order: a 500, a 200, an answer held past the client's 600 ms timeout (ample for a cold start); six times
    Request request = get(Duration.ofMillis(600), 1, serve(n -> switch (n % 3) {
      case 1 -> 500;
      case 2 -> 200;
      default -> HOLD;
    }, Duration.ofSeconds(5)));
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("errors", 1, Duration.ofSeconds(30)).maxRequests(18),
        request);
    assertEquals(6, result.ok(), "every 200 after a timed-out request came on a fresh connection");
    assertEquals(12, result.errors(), "6 answers of 500 and 6 timeouts");
  }

  @Test
  void aRefusedConnectionIsAnError() throws IOException {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Request request = get(Duration.ofSeconds(5), 2, URI.create("http://127.0.0.1:" + closedPort));
    LoadResult result = ClosedLoad.run(ClosedLoad.Settings.of("refused", 2, Duration.ofSeconds(10)).maxRequests(6),
        request);
    assertEquals(0, result.ok());
    assertEquals(6, result.errors());
  }
}
