package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * Readiness during cluster start-up (issue 15, point 8), over real HTTP on three cluster nodes sharing PostgreSQL:
 * while the cluster forms, {@code /health/ready} answers 503 and work is refused at once with 503 not_ready (never
 * accepted, applied, then timed out); once a node is ready, every request it is sent succeeds, the first ones too,
 * a retried grant is answered with the receipt that made it so, and two tenants' pushes with one messageId are two
 * messages on every node.
 */
class ClusterReadinessTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Main.Running> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Main.Running node : running) {
      node.system().terminate();
    }
    for (Main.Running node : running) {
      node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyRequestAnsweredAfterReadySucceeds() throws Exception {
    PostgresSettings postgres = TestPostgres.get().settings();
    int[] remote = TestClusterNode.freePorts(3);
    int[] http = TestClusterNode.freePorts(3);
    List<CompletableFuture<Main.Running>> starts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      starts.add(start(remote[i], remote[0], http[i], postgres));
    }
    // two of three members: nothing is Up, no singleton runs, no shard can be placed
    assertEquals(503, awaitStatus(http[0], "/health/ready", 503).statusCode());
    assertFalse(starts.get(0).isDone(), "a node is not started before it is ready");
    assertEquals(200, get(http[0], "/health/live").statusCode(), "alive while it waits for its cluster");
    HttpResponse<String> early = post(http[1], "/marketplace", grant("early", "ent-early"));
    assertEquals(503, early.statusCode(), early::body);
    assertEquals("not_ready", json(early).path("reason").asText());

    starts.add(start(remote[2], remote[0], http[2], postgres));
    for (CompletableFuture<Main.Running> start : starts) {
      running.add(start.get(90, TimeUnit.SECONDS));
    }
    for (int node = 0; node < 3; node++) {
      HttpResponse<String> ready = get(http[node], "/health/ready");
      assertEquals(200, ready.statusCode(), ready::body);
      assertEquals("ok", json(ready).path("checks").path("entitlements").path("status").asText());
      for (int t = 0; t < 4; t++) {
        String tenant = "r-" + node + "-" + t;
        HttpResponse<String> granted = post(http[node], "/marketplace", grant(tenant, "ent-" + tenant));
        assertEquals(200, granted.statusCode(), granted::body);
        HttpResponse<String> retried = post(http[(node + 1) % 3], "/marketplace", grant(tenant, "ent-" + tenant));
        assertEquals(200, retried.statusCode(), retried::body);
        assertEquals(json(granted).path("id"), json(retried).path("id"), "the receipt that made it so");
        HttpResponse<String> signal = post(http[node], "/pubsub", push(tenant, "m-" + tenant));
        assertEquals(200, signal.statusCode(), signal::body);
        assertEquals(tenant, json(signal).path("tenant_id").asText());
      }
    }
    // the shared ledger keys a push by tenant, subscription and messageId: two tenants' same-id-1 are two messages
    HttpResponse<String> alpha = post(http[0], "/pubsub", push("r-0-0", "same-id-1"));
    HttpResponse<String> beta = post(http[1], "/pubsub", push("r-1-0", "same-id-1"));
    assertEquals("r-1-0", json(beta).path("tenant_id").asText(), beta::body);
    assertEquals(json(alpha).path("id"), json(post(http[2], "/pubsub", push("r-0-0", "same-id-1"))).path("id"));
    assertEquals(json(beta).path("id"), json(post(http[2], "/pubsub", push("r-1-0", "same-id-1"))).path("id"));
  }

  private static CompletableFuture<Main.Running> start(int remotePort, int seedPort, int httpPort,
      PostgresSettings postgres) {
    Config config = ConfigFactory.parseString("""
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.seed-nodes = ["pekko://tai-autonomics@127.0.0.1:%d"]
        pekko.cluster.min-nr-of-members = 3
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.split-brain-resolver.stable-after = 2s
        autonomics.http.interface = "127.0.0.1"
        autonomics.http.port = %d
        autonomics.executor.simulated.latency = 1ms
        """.formatted(remotePort, seedPort, httpPort)).withFallback(ConfigFactory.load()).resolve();
    return Main.startNode(config, NodeSettings.create(config), PolicyPacks.create(config),
        PostgresReceiptStore.open(postgres), new ClusterTopology());
  }

  /** Probes until the status is {@code expected}: the port is bound a moment after the start began. */
  private HttpResponse<String> awaitStatus(int port, String path, int expected) {
    HttpResponse<String> response = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((response == null || response.statusCode() != expected) && System.nanoTime() < deadline) {
      try {
        response = get(port, path);
      } catch (IllegalStateException notBoundYet) {
        response = null;
      }
    }
    return response;
  }

  private static String grant(String tenant, String entitlement) {
    return "{\"tenant_id\":\"%s\",\"entitlement_id\":\"%s\",\"action\":\"grant\"}".formatted(tenant, entitlement);
  }

  private static String push(String tenant, String messageId) {
    String data = Base64.getEncoder().encodeToString(
        ("{\"tenant_id\":\"" + tenant + "\",\"metric\":\"cpu\",\"value\":10}").getBytes(StandardCharsets.UTF_8));
    return "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"" + messageId + "\"},\"subscription\":\"s\"}";
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

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
