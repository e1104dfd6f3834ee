package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
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
 * U+0000 in ids against the shared PostgreSQL ledger (issue 15, never 5xx), over real HTTP on a cluster node:
 * PostgreSQL's {@code text} refuses a NUL and its {@code jsonb} (how entitlements are read back at start) refuses an
 * escaped one, so each such request must be refused at decode time. No answer is a 503; every refused push is in the
 * dead-letter chain; and a node started afterwards on the same schema restores its entitlements and letters.
 */
class ClusterNulIdTest {
  private static final String NUL = "\\u0000";
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Main.Running running;

  @AfterEach
  void stop() throws Exception {
    if (running != null) {
      running.system().terminate();
      running.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      running = null;
    }
  }

  @Test
  void nulIdsAreRefusedNeverA503AndNothingIsLost() throws Exception {
    PostgresSettings postgres = TestPostgres.get().settings();
    running = start(postgres);
    int port = running.port();
    List<String> flat = List.of(
        "{\"tenant_id\":\"a" + NUL + "b\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent" + NUL + "\",\"action\":\"grant\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"event_id\":\"e" + NUL + "\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"sku\":\"base" + NUL + "\"}");
    for (String body : flat) {
      HttpResponse<String> refused = post(port, "/marketplace", body);
      assertEquals(400, refused.statusCode(), refused::body);
      assertEquals("invalid_event", json(refused).path("reason").asText());
    }
    List<String> events = List.of(
        "{\"eventId\":\"ev" + NUL + "\",\"eventType\":\"ENTITLEMENT_ACTIVE\",\"entitlement\":{\"id\":\"ent-2\"}}",
        "{\"eventId\":\"ev-2\",\"eventType\":\"ENTITLEMENT_ACTIVE\",\"providerId\":\"p" + NUL + "\","
            + "\"entitlement\":{\"id\":\"ent-2\"}}",
        "{\"eventId\":\"ev-3\",\"eventType\":\"ACCOUNT_ACTIVE\",\"account\":{\"id\":\"acc" + NUL + "\"}}",
        "{\"eventId\":\"ev-4\",\"eventType\":\"ENTITLEMENT_PLAN_CHANGE_REQUESTED\","
            + "\"entitlement\":{\"id\":\"ent-2\",\"newPlan\":\"pro" + NUL + "\"}}");
    int i = 0;
    for (String event : events) {
      JsonNode letter = ok(post(port, "/marketplace", envelope("mk-" + i++, event)));
      assertEquals("dead_letter", letter.path("type").asText(), letter::toString);
      assertEquals("invalid_event", letter.path("reason").asText());
    }
    JsonNode signal = ok(post(port, "/pubsub", envelope("ps-1",
        "{\"tenant_id\":\"t" + NUL + "\",\"metric\":\"cpu\",\"value\":1}")));
    assertEquals("dead_letter", signal.path("type").asText(), signal::toString);
    assertEquals("invalid_signal", signal.path("reason").asText());
    assertEquals(404, get(port, "/tenants/a%00b").statusCode());
    assertEquals(200, get(port, "/tenants/a%00b/receipts").statusCode());
    JsonNode granted = ok(post(port, "/marketplace",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\"}"));
    assertEquals("active", granted.path("state_to").asText(), granted::toString);
    stop();

    // the entitlements are read back from PostgreSQL (as jsonb): a NUL among them would stop this start
    running = start(postgres);
    port = running.port();
    assertEquals("active", ok(get(port, "/tenants/acme")).path("entitlement").path("state").asText());
    JsonNode verified = ok(get(port, "/dead-letters/verify"));
    assertTrue(verified.path("valid").asBoolean(), verified::toString);
    assertEquals(events.size() + 1, verified.path("count").asInt(), "every refused push recorded");
  }

  private static Main.Running start(PostgresSettings postgres) throws Exception {
    int[] ports = TestClusterNode.freePorts(2);
    Config config = ConfigFactory.parseString("""
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.seed-nodes = ["pekko://tai-autonomics@127.0.0.1:%d"]
        pekko.cluster.min-nr-of-members = 1
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        autonomics.http.interface = "127.0.0.1"
        autonomics.http.port = %d
        autonomics.executor.simulated.latency = 1ms
        """.formatted(ports[0], ports[0], ports[1])).withFallback(ConfigFactory.load()).resolve();
    return Main.startNode(config, NodeSettings.create(config), PolicyPacks.create(config),
        PostgresReceiptStore.open(postgres), new ClusterTopology()).get(90, TimeUnit.SECONDS);
  }

  private static String envelope(String messageId, String data) {
    String encoded = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
    return "{\"message\":{\"data\":\"" + encoded + "\",\"messageId\":\"" + messageId + "\"},"
        + "\"subscription\":\"projects/p/subscriptions/s\"}";
  }

  private HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).GET().build());
  }

  private HttpResponse<String> post(int port, String path, String body) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
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
    return json(response);
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }
}
