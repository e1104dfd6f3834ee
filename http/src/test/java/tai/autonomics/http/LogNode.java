package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tai.autonomics.Json;
import tai.autonomics.ledger.RocksReceiptStore;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/** A real node on 127.0.0.1 port 0 over RocksDB in {@code dataDir}, with a read token, and a client for it. */
final class LogNode implements AutoCloseable {
  static final String TOKEN = "read-secret";
  static final String LOG_NAME = "autonomics.test";
  /** A tenant id with what a C2SP key name cannot hold (a space, a plus) and the escape character itself. */
  static final String SPACED = "acme west+1%";

  final Main.Running running;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int messages;

  private LogNode(Main.Running running) {
    this.running = running;
  }

  static LogNode start(Path dataDir) throws Exception {
    return start(dataDir, "");
  }

  /** As {@link #start(Path)}, with {@code overrides} (HOCON) over the test's settings. */
  static LogNode start(Path dataDir, String overrides) throws Exception {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseString("""
        autonomics.http.interface = "127.0.0.1"
        autonomics.http.port = 0
        autonomics.http.read-token = "%s"
        autonomics.ledger.data-dir = "%s"
        autonomics.ledger.log-name = "%s"
        autonomics.executor.simulated.latency = 1ms
        autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" },
          { tenant-id = "tenant-002", sku = "base" }, { tenant-id = "%s", sku = "base" }]
        """.formatted(TOKEN, dataDir, LOG_NAME, SPACED))).withFallback(ConfigFactory.load()).resolve();
    RocksReceiptStore store = RocksReceiptStore.open(dataDir.resolve("ledger"));
    return new LogNode(Main.startNode(config, NodeSettings.create(config), PolicyPacks.create(config), store)
        .get(30, TimeUnit.SECONDS));
  }

  String url() {
    return "http://127.0.0.1:" + running.port();
  }

  HttpResponse<byte[]> get(String path, boolean withToken) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(20));
    if (withToken) {
      request.header("Authorization", "Bearer " + TOKEN);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " failed: " + e, e);
    }
  }

  String text(String path) {
    HttpResponse<byte[]> response = get(path, true);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + body);
    }
    return body;
  }

  JsonNode json(HttpResponse<byte[]> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  /** Pushes {@code count} signals for {@code tenant}, each answered once its receipt is durable. */
  void signals(String tenant, int count) {
    for (int i = 0; i < count; i++) {
      String data = "{\"tenant_id\":\"%s\",\"metric\":\"cpu\",\"value\":%d}".formatted(tenant, 30 + i % 60);
      String body = """
          {"message":{"data":"%s","messageId":"log-%d","publishTime":"%s","attributes":{}},
           "subscription":"projects/p/subscriptions/s"}""".formatted(
          Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)), ++messages + count * 1000L, java.time.Instant.now());
      HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/pubsub")).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new AssertionError("push: " + response.statusCode() + " " + response.body());
        }
      } catch (Exception e) {
        throw new IllegalStateException("push failed: " + e, e);
      }
    }
  }

  /**
   * Waits until the tenant's latest signed checkpoint covers every receipt of its chain, so that a test reading the
   * checkpoint and then asking for a proof at its size does not race the signing cadence.
   */
  void awaitSigned(String tenant) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpResponse<byte[]> checkpoint = get(tenantPath(tenant) + "/log/checkpoint", true);
      long signed = checkpoint.statusCode() == 200
          ? Long.parseLong(new String(checkpoint.body(), StandardCharsets.UTF_8).split("\n", 3)[1]) : 0;
      if (signed == receipts(tenant).size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(tenant + ": checkpoint size " + signed + " still short of its chain");
      }
      // signing runs on the node's own cadence and nothing over HTTP announces it: poll the route, bounded above
      Thread.sleep(50);
    }
  }

  /** The tenant's receipts' hashes and ids, in chain order, through the receipts route. */
  List<JsonNode> receipts(String tenant) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (long after = 0; ; ) {
      JsonNode page = json(get(tenantPath(tenant) + "/receipts?limit=1000&after=" + after, true));
      page.path("receipts").forEach(out::add);
      if (page.path("next_after").isNull()) {
        return out;
      }
      after = page.path("next_after").asLong();
    }
  }

  /** {@code /tenants/<id>}, the id as one path segment (a space as %20, not a form's plus). */
  static String tenantPath(String tenant) {
    return "/tenants/" + java.net.URLEncoder.encode(tenant, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() throws Exception {
    running.system().terminate();
    running.closed().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
