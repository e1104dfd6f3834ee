package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * SIGKILL during appends and during signing (signing every 20 ms), three times over: after each restart the tree
 * has exactly the chain's size, {@code audit --state} holds (so each checkpoint is consistent with the one audited
 * before the crash), and no two checkpoints seen of one size differ.
 */
class LogCrashTest {
  static final String TENANT = "tenant-crash";
  @TempDir Path dir;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final Map<Long, String> checkpoints = new HashMap<>();
  int messages;

  @Test
  void killedNodesNeverForkTheirLog() throws Exception {
    Path data = dir.resolve("data");
    Path state = dir.resolve("state");
    for (int round = 0; round < 3; round++) {
      try (NodeProcess node = start(data)) {
        String url = "http://127.0.0.1:" + node.awaitPort();
        if (round > 0) {
          check(url, state);
        }
        pushThenKill(node, url, 400, 150);
      }
    }
    try (NodeProcess node = start(data)) {
      check("http://127.0.0.1:" + node.awaitPort(), state);
    }
  }

  NodeProcess start(Path data) throws Exception {
    return NodeProcess.start(0, data, "autonomics.ledger.log-name=autonomics.crash",
        "autonomics.ledger.checkpoint-interval=20ms");
  }

  /** Pushes {@code count} signals, 8 at a time, and SIGKILLs the node once {@code killAfter} were answered. */
  void pushThenKill(NodeProcess node, String url, int count, int killAfter) throws Exception {
    Semaphore inFlight = new Semaphore(8);
    AtomicInteger answered = new AtomicInteger();
    CompletableFuture<Void> killed = new CompletableFuture<>();
    for (int i = 0; i < count && !killed.isDone(); i++) {
      inFlight.acquire();
      client.sendAsync(push(url), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
        inFlight.release();
        if (answered.incrementAndGet() == killAfter) {
          node.process.destroyForcibly();
          killed.complete(null);
        }
      });
    }
    killed.get();
    node.process.waitFor();
  }

  void check(String url, Path state) throws Exception {
    String base = url + "/tenants/" + TENANT;
    int chain = 0;
    for (long after = 0; ; ) {
      JsonNode page = Json.MAPPER.readTree(get(base + "/receipts?limit=1000&after=" + after).body());
      chain += page.path("receipts").size();
      if (page.path("next_after").isNull()) {
        break;
      }
      after = page.path("next_after").asLong();
    }
    assertEquals(200, get(base + "/log/proof/consistency?old=1&new=" + chain).statusCode(), "tree covers the chain");
    assertEquals(404, get(base + "/log/proof/consistency?old=1&new=" + (chain + 1)).statusCode(), "and no more");
    String note = get(base + "/log/checkpoint").body();
    long size = Long.parseLong(note.split("\n")[1]);
    String seen = checkpoints.putIfAbsent(size, note);
    assertEquals(seen == null ? note : seen, note, "two checkpoints of size " + size);
    String vkey = get(url + "/log/vkey").body().strip();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertEquals(0, LogCommands.run(new String[] {"audit", "--url", url, "--tenant", TENANT, "--vkey", vkey,
        "--state", state.toString()}, print, print), out::toString);
  }

  HttpResponse<String> get(String uri) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest push(String url) {
    String data = "{\"tenant_id\":\"%s\",\"metric\":\"cpu\",\"value\":%d}".formatted(TENANT, 40 + messages % 50);
    String body = """
        {"message":{"data":"%s","messageId":"crash-%d","publishTime":"%s","attributes":{}},
         "subscription":"projects/p/subscriptions/s"}""".formatted(
        Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)), ++messages, java.time.Instant.now());
    return HttpRequest.newBuilder(URI.create(url + "/pubsub")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
