package tai.autonomics.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.RocksReceiptStore;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/** A real node on 127.0.0.1, port 0, over a memory store (or one given), and a real HTTP client for it. */
final class TestNode implements AutoCloseable {
  final Main.Running running;
  final ReceiptStore store;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestNode(Main.Running running, ReceiptStore store) {
    this.running = running;
    this.store = store;
  }

  static TestNode start(String overrides) {
    return start(overrides, new MemoryReceiptStore());
  }

  /**
   * A node over a RocksDB ledger in {@code ledgerDir}, closed with the node. Its data directory (the logs' key and
   * signed heads) is the ledger's parent unless {@code overrides} say otherwise: the default, {@code ./data}, would
   * carry one test's signed heads into the next, whose trees then conflict with them.
   */
  static TestNode startRocks(String overrides, java.nio.file.Path ledgerDir) {
    String dataDir = ledgerDir.toAbsolutePath().getParent().toString().replace("\\", "\\\\");
    return start("autonomics.ledger.data-dir = \"" + dataDir + "\"\n" + overrides, RocksReceiptStore.open(ledgerDir));
  }

  /** A node over {@code store}, which it closes when it stops. */
  static TestNode start(String overrides, ReceiptStore store) {
    Config config = ConfigFactory.parseString(overrides + """

        autonomics.http.interface = "127.0.0.1"
        autonomics.http.port = 0
        autonomics.executor.simulated.latency = 1ms
        """).withFallback(ConfigFactory.load()).resolve();
    try {
      Main.Running running = Main.startNode(config, NodeSettings.create(config), PolicyPacks.create(config), store)
          .get(30, TimeUnit.SECONDS);
      return new TestNode(running, store);
    } catch (Exception e) {
      throw new IllegalStateException("node did not start", e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + running.port() + path);
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  HttpResponse<String> post(String path, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
    }
  }

  /** A Pub/Sub push envelope around {@code data} (JSON, base64-encoded here). */
  static String envelope(String messageId, String data) {
    return envelope(messageId, data, "{}");
  }

  static String envelope(String messageId, String data, String attributes) {
    String encoded = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
    return """
        {"message":{"data":"%s","messageId":"%s","publishTime":"%s","attributes":%s},
         "subscription":"projects/p/subscriptions/s"}""".formatted(encoded, messageId, java.time.Instant.now(), attributes);
  }

  static String signal(String tenant, String metric, String value) {
    return "{\"tenant_id\":\"%s\",\"metric\":\"%s\",\"value\":%s}".formatted(tenant, metric, value);
  }

  @Override
  public void close() {
    running.system().terminate();
    try {
      // the node signs its trees once more after termination and then closes its store: a restarted node may open
      // the same RocksDB directory once that is done (closing the store here, sooner, failed that last signing)
      running.closed().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node did not stop", e);
    }
  }
}
