package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tai.autonomics.Json;
import tai.autonomics.cluster.postgres.PostgresReceiptStore;
import tai.autonomics.cluster.postgres.PostgresSettings;
import tai.autonomics.http.Main;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/**
 * The ack policy's dead letters in cluster mode (issue 15), over real HTTP on two cluster nodes sharing PostgreSQL:
 * a poison push is a dead letter answered 200 by any node; its redelivery, to the other node, to both at once, or to
 * a node started after the whole cluster stopped, is answered with the same dead letter; the chain, which every node
 * writes, pages and verifies as one, and {@code tai_dead_letters_total} counts only what was written (the race's
 * loser too is told it wrote nothing).
 */
class ClusterDeadLetterTest {
  private static final String SUB = "projects/p/subscriptions/s";
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Main.Running> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    stopAll();
  }

  private void stopAll() throws Exception {
    for (Main.Running node : running) {
      node.system().terminate();
    }
    for (Main.Running node : running) {
      node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    running.clear();
  }

  @Test
  void aRedeliveredPoisonPushIsOneDeadLetterOnEveryNodeAndAfterARestart() throws Exception {
    PostgresSettings postgres = TestPostgres.get().settings();
    int[] remote = TestClusterNode.freePorts(2);
    int[] http = TestClusterNode.freePorts(2);
    List<CompletableFuture<Main.Running>> starts = List.of(start(remote[0], remote[0], http[0], postgres, 2),
        start(remote[1], remote[0], http[1], postgres, 2));
    for (CompletableFuture<Main.Running> start : starts) {
      running.add(start.get(90, TimeUnit.SECONDS));
    }
    JsonNode first = ok(post(http[0], "/pubsub", undecodable("dl-1", 1)));
    assertEquals("dead_letter", first.path("type").asText(), first::toString);
    assertEquals("dl-1", first.path("message_id").asText());
    assertEquals(first, ok(post(http[1], "/pubsub", undecodable("dl-1", 2))), "the other node: the same letter");
    // Pub/Sub may deliver one message to two nodes at once: both write, PostgreSQL keeps one, both answer with it
    CompletableFuture<HttpResponse<String>> toFirst = postAsync(http[0], "/pubsub", undecodable("dl-2", 1));
    CompletableFuture<HttpResponse<String>> toSecond = postAsync(http[1], "/pubsub", undecodable("dl-2", 1));
    JsonNode racedOne = ok(toFirst.get(30, TimeUnit.SECONDS));
    assertEquals(racedOne, ok(toSecond.get(30, TimeUnit.SECONDS)));
    assertNotEquals(first.path("id"), racedOne.path("id"));
    String noId = "{\"message\":{\"data\":\"%%%\"},\"subscription\":\"" + SUB + "\"}";
    assertNotEquals(ok(post(http[0], "/pubsub", noId)).path("id"), ok(post(http[1], "/pubsub", noId)).path("id"),
        "no messageId, no key: two dead letters");
    // PostgreSQL's text cannot hold a NUL: such a messageId is malformed and no key, so the letter is still written
    JsonNode nul = ok(post(http[1], "/pubsub", undecodable("dl\\u0000x", 1)));
    assertEquals("invalid_envelope", nul.path("reason").asText(), nul::toString);
    assertFalse(nul.has("message_id"), nul::toString);
    double counted = deadLettersCounted(http[0]) + deadLettersCounted(http[1]);
    assertEquals(5.0, counted, "five letters written, the race's loser not counted (the ledger says it wrote nothing)");
    List<String> before = deadLetters(http[1]);
    assertEquals(5, before.size(), before::toString);

    stopAll();
    int[] again = TestClusterNode.freePorts(2);
    running.add(start(again[0], again[0], again[1], postgres, 1).get(90, TimeUnit.SECONDS));
    assertEquals(first, ok(post(again[1], "/pubsub", undecodable("dl-1", 3))), "after the cluster restarted");
    assertEquals(0.0, deadLettersCounted(again[1]), "a redelivery answered from the index is no new dead letter");
    assertEquals(before, deadLetters(again[1]));
    JsonNode verified = json(get(again[1], "/dead-letters/verify"));
    assertTrue(verified.path("valid").asBoolean(), verified::toString);
    assertEquals(5, verified.path("count").asInt());
  }

  private static CompletableFuture<Main.Running> start(int remotePort, int seedPort, int httpPort,
      PostgresSettings postgres, int members) {
    Config config = ConfigFactory.parseString("""
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.seed-nodes = ["pekko://tai-autonomics@127.0.0.1:%d"]
        pekko.cluster.min-nr-of-members = %d
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.split-brain-resolver.stable-after = 2s
        autonomics.http.interface = "127.0.0.1"
        autonomics.http.port = %d
        autonomics.executor.simulated.latency = 1ms
        """.formatted(remotePort, seedPort, members, httpPort)).withFallback(ConfigFactory.load()).resolve();
    return Main.startNode(config, NodeSettings.create(config), PolicyPacks.create(config),
        PostgresReceiptStore.open(postgres), new ClusterTopology());
  }

  /** A push whose data is not base64: permanent, naming no tenant, so a dead letter. */
  private static String undecodable(String messageId, int attempt) {
    return "{\"message\":{\"data\":\"%%%\",\"messageId\":\"" + messageId + "\"},\"subscription\":\"" + SUB
        + "\",\"deliveryAttempt\":" + attempt + "}";
  }

  /** The dead letters' ids in chain order, paged two at a time. */
  private List<String> deadLetters(int port) {
    List<String> ids = new ArrayList<>();
    long after = 0;
    for (int pages = 0; pages < 100; pages++) {
      JsonNode page = json(get(port, "/dead-letters?limit=2&after=" + after));
      page.path("receipts").forEach(receipt -> ids.add(receipt.path("id").asText()));
      if (page.path("next_after").isNull()) {
        return ids;
      }
      after = page.path("next_after").asLong();
    }
    throw new AssertionError("the dead letters never ended: " + ids);
  }

  /** The sum of this node's {@code tai_dead_letters_total} series. */
  private double deadLettersCounted(int port) {
    HttpResponse<String> metrics = get(port, "/metrics");
    assertEquals(200, metrics.statusCode(), metrics::body);
    return metrics.body().lines().filter(line -> line.startsWith("tai_dead_letters_total{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).GET().build());
  }

  private HttpResponse<String> post(int port, String path, String body) {
    return send(request(port, path, body));
  }

  private CompletableFuture<HttpResponse<String>> postAsync(int port, String path, String body) {
    return client.sendAsync(request(port, path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(int port, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
    }
  }

  private static JsonNode ok(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
    assertFalse(response.body().isEmpty());
    return json(response);
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
