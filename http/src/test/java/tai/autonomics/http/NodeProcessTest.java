package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.ReceiptStore;

/**
 * The node as a process: a port in use ends it with a clear message and a non-zero exit; SIGTERM under load
 * answers every accepted request (never a 5xx but 503), stops within the shutdown deadline, and, on a durable
 * store, every request answered 200 has its receipt after a restart on the same data directory.
 */
class NodeProcessTest {
  private static final Pattern RECEIPT_ID = Pattern.compile("\"id\":\"([0-9a-f]{32})\"");
  private static final int CLIENTS = 8;
  private static final int MAX_REQUESTS_PER_CLIENT = 5_000;

  @TempDir
  Path dir;

  @Test
  void aPortInUseEndsTheNodeWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        NodeProcess node = NodeProcess.start(taken.getLocalPort(), dir.resolve("data"))) {
      Integer exit = node.awaitExit(60);
      assertNotNull(exit, "the node did not exit");
      assertEquals(4, exit, node::output);
      assertTrue(node.output().contains("node did not start"), node::output);
      assertTrue(node.output().contains(Integer.toString(taken.getLocalPort())), node::output);
    }
  }

  @Test
  void sigtermUnderLoadAnswersInFlightRequestsAndKeepsTheirReceipts() throws Exception {
    String store = durableStoreAvailable() ? "rocksdb" : "memory";
    Path data = dir.resolve("data");
    Map<String, String> acceptedReceipts = new ConcurrentHashMap<>();
    List<String> serverErrors = new CopyOnWriteArrayList<>();
    AtomicInteger answered = new AtomicInteger();
    try (NodeProcess node = NodeProcess.start(0, data, "autonomics.ledger.store=" + store,
        "autonomics.entitlements.refuse-unknown-tenants=false", "autonomics.http.shutdown-deadline=5s")) {
      int port = node.awaitPort();
      assertTrue(node.output().contains("receipt store: " + store), node::output);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch warmedUp = new CountDownLatch(200);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        int clientId = c;
        clients.submit(() -> {
          for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && !stop.get(); i++) {
            String messageId = "c" + clientId + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pubsub"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(TestNode.envelope(messageId,
                    TestNode.signal("tenant-" + clientId, "cpu", "10"))))
                .build();
            try {
              HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
              answered.incrementAndGet();
              if (response.statusCode() == 200) {
                Matcher id = RECEIPT_ID.matcher(response.body());
                assertTrue(id.find(), response.body());
                acceptedReceipts.put(messageId, id.group(1));
                warmedUp.countDown();
              } else if (response.statusCode() >= 500 && response.statusCode() != 503) {
                serverErrors.add(response.statusCode() + " " + response.body());
              }
            } catch (IOException e) {
              return; // the node stopped accepting: this client is done
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        });
      }
      assertTrue(warmedUp.await(60, TimeUnit.SECONDS), "no load reached the node");
      node.terminate();
      Integer exit = node.awaitExit(30);
      stop.set(true);
      clients.shutdown();
      assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
      assertNotNull(exit, "the node did not stop within the deadline after SIGTERM");
      assertTrue(node.output().contains("shutting down"), node::output);
      assertTrue(serverErrors.isEmpty(), () -> "5xx answers: " + serverErrors);
      assertTrue(acceptedReceipts.size() >= 200);
    }
    if (store.equals("rocksdb")) {
      try (NodeProcess restarted = NodeProcess.start(0, data, "autonomics.ledger.store=rocksdb")) {
        int port = restarted.awaitPort();
        HttpClient client = HttpClient.newHttpClient();
        for (Map.Entry<String, String> accepted : acceptedReceipts.entrySet()) {
          HttpResponse<String> response = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/receipts/" + accepted.getValue())).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, response.statusCode(), () -> "receipt of " + accepted.getKey() + " lost");
        }
      }
    }
  }

  /** The RocksDB store is added to the core separately; until then the durability half cannot run. */
  private boolean durableStoreAvailable() {
    try {
      ReceiptStore.open(new LedgerSettings("rocksdb", dir.resolve("probe"), true, 16, 16)).close();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
