package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.Json;

/** The webhook effector, configured as an operator would, against a real HTTP receiver on 127.0.0.1. */
class WebhookEffectorTest {
  private static final String SECRET = "receiver-shared-secret";
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private static final Map<String, AtomicInteger> callsPerAction = new ConcurrentHashMap<>();
  private static final CountDownLatch releaseSlow = new CountDownLatch(1);
  private static HttpServer server;
  private static ExecutorService serverThreads;

  /** One request as the receiver saw it. */
  private record Received(String path, String idempotencyKey, String signature, String attempt, byte[] body) {}

  @BeforeAll
  static void startReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    serverThreads = Executors.newFixedThreadPool(8);
    server.setExecutor(serverThreads);
    server.createContext("/", WebhookEffectorTest::handle);
    server.start();
  }

  @AfterAll
  static void stop() {
    releaseSlow.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
    testKit.shutdownTestKit();
  }

  private static void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    String path = exchange.getRequestURI().getPath();
    received.add(new Received(path, key, exchange.getRequestHeaders().getFirst("X-Signature"),
        exchange.getRequestHeaders().getFirst("X-Attempt"), body));
    int call = callsPerAction.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    switch (path) {
      case "/ok" -> respond(exchange, 200, "{\"result\":\"rolled_back\"}");
      case "/flaky" -> respond(exchange, call < 3 ? 503 : 200, call < 3 ? "busy" : "");
      case "/bad" -> respond(exchange, 422, "{\"error\":\"unknown tenant\"}");
      case "/slow" -> {
        try {
          releaseSlow.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        respond(exchange, 200, "");
      }
      default -> respond(exchange, 404, "");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  /** An executor whose rollbacks go to the receiver's {@code path}; everything else stays simulated. */
  private static ActorRef<ActionExecutor.Command> executorPosting(String path) {
    // generous: a loaded CI machine may take long for the first connection, and a slow answer would be retried
    return executorPosting(path, "3s");
  }

  private static ActorRef<ActionExecutor.Command> executorPosting(String path, String timeout) {
    ExecutorSettings settings = ActionExecutorTest.settings("""
        effectors { rollback = webhook }
        webhook { url = "http://127.0.0.1:%d%s", secret = "%s", timeout = %s }
        retry { backoff-min = 20ms, backoff-max = 100ms }
        """.formatted(server.getAddress().getPort(), path, SECRET, timeout));
    return testKit.spawn(ActionExecutor.create(testKit.<tai.autonomics.ledger.Ledger.Command>createTestProbe()
        .getRef(), settings, new SimpleMeterRegistry()));
  }

  private static Received nextRequest() throws InterruptedException {
    Received next = received.poll(5, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("the receiver got no request within 5 s");
    }
    return next;
  }

  private static ActionOutcome run(ActorRef<ActionExecutor.Command> executor, Action action) {
    TestProbe<ActionOutcome> outcome = testKit.createTestProbe();
    executor.tell(new ActionExecutor.Execute(action, outcome.getRef()));
    return outcome.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void postsTheActionSignedAndKeyedByItsId() throws Exception {
    received.clear();
    Action action = new Action("a".repeat(32), "tenant-7", "rollback", Map.of("release", "v41"));
    assertEquals(new ActionOutcome.Completed(action.id(), "rolled_back", 1), run(executorPosting("/ok"), action));

    Received request = nextRequest();
    assertEquals(action.id(), request.idempotencyKey());
    assertEquals("1", request.attempt());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal(request.body());
    assertTrue(request.signature().startsWith("sha256="));
    assertTrue(MessageDigest.isEqual(expected, HexFormat.of().parseHex(request.signature().substring(7))),
        "the receiver verifies the signature over the body it got");
    JsonNode json = Json.MAPPER.readTree(request.body());
    assertEquals("tenant-7", json.get("tenant_id").asText());
    assertEquals("rollback", json.get("type").asText());
    assertEquals("v41", json.get("params").get("release").asText());
  }

  @Test
  void serverErrorsAreRetriedWithTheSameKeyAndBody() throws Exception {
    received.clear();
    Action action = ActionExecutorTest.action("tenant-5xx", "rollback");
    assertEquals(new ActionOutcome.Completed(action.id(), "delivered", 3), run(executorPosting("/flaky"), action));
    List<Received> requests = List.of(nextRequest(), nextRequest(), nextRequest());
    assertEquals(List.of("1", "2", "3"), requests.stream().map(Received::attempt).toList());
    requests.forEach(request -> {
      assertEquals(action.id(), request.idempotencyKey());
      assertArrayEquals(requests.get(0).body(), request.body());
      assertEquals(requests.get(0).signature(), request.signature());
    });
  }

  @Test
  void clientErrorsFailAtOnce() throws Exception {
    received.clear();
    Action action = ActionExecutorTest.action("tenant-4xx", "rollback");
    assertEquals(new ActionOutcome.Failed(action.id(), "http_422", 1), run(executorPosting("/bad"), action));
    nextRequest();
    assertEquals(1, callsPerAction.get(action.id()).get(), "a 4xx is not retried");
  }

  @Test
  void aReceiverThatDoesNotAnswerInTimeIsRetriedAsATimeout() throws Exception {
    Action action = ActionExecutorTest.action("tenant-slow", "rollback");
    assertEquals(new ActionOutcome.Failed(action.id(), "webhook_timeout", 3), run(executorPosting("/slow", "1s"), action));
    // the attempts count is the client's; on a loaded machine a timed-out attempt may never reach the receiver
    // (the request timeout covers connecting), so the receiver is only required to have seen some, never more
    testKit.createTestProbe().awaitAssert(() -> {
      int calls = callsPerAction.getOrDefault(action.id(), new AtomicInteger()).get();
      assertTrue(calls >= 1 && calls <= 3, "calls at the receiver: " + calls);
      return null;
    });
  }

  @Test
  void otherTypesKeepTheirOwnEffector() {
    Action action = ActionExecutorTest.action("tenant-mixed", "throttle");
    assertEquals(new ActionOutcome.Completed(action.id(), "throttled", 1), run(executorPosting("/ok"), action));
    assertTrue(callsPerAction.get(action.id()) == null, "a simulated type makes no call");
  }
}
