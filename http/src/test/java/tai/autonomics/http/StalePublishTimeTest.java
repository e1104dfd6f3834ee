package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/** Issue 15, bullet 5: a signal without timestamp_ms is dated by its publishTime, over real HTTP and RocksDB. */
class StalePublishTimeTest {
  private static final String[] READ = {"Authorization", "Bearer rt"};
  @TempDir
  static Path dir;
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.startRocks("""
        autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
        autonomics.http.read-token = "rt"
        autonomics.ledger.data-dir = "%s"
        """.formatted(dir.toString().replace("\\", "/")), dir.resolve("ledger"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<String> push(String messageId, String metric, Instant published) {
    String data = "{\"tenant_id\":\"tenant-001\",\"metric\":\"%s\",\"value\":20}".formatted(metric);
    return node.post("/pubsub", """
        {"message":{"data":"%s","messageId":"%s","publishTime":"%s"},"subscription":"projects/p/subscriptions/s"}"""
        .formatted(Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)), messageId, published));
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response::body);
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void anOldPublishTimeIsStaleAndAFreshOneIsDecided() throws Exception {
    JsonNode old = json(push("pt-old", "cpu", Instant.now().minus(Duration.ofMinutes(6))));
    assertEquals("refusal", old.path("type").asText(), old::toString);
    assertEquals("stale_signal", old.path("reason").asText(), old::toString);
    JsonNode fresh = json(push("pt-fresh", "cpu", Instant.now()));
    assertNotEquals("stale_signal", fresh.path("reason").asText(), fresh::toString);
    assertEquals(Instant.parse(fresh.path("delivery").path("publish_time").asText()).toEpochMilli(),
        fresh.path("signal").path("timestamp_ms").asLong(), "the receipt keeps the date it was decided by");
    // older than the last signal decided for the metric, though within max-signal-age
    JsonNode earlier = json(push("pt-earlier", "cpu", Instant.now().minus(Duration.ofMinutes(1))));
    assertEquals("stale_signal", earlier.path("reason").asText(), earlier::toString);
    String chain = node.get("/tenants/tenant-001/receipts?limit=1000", READ).body();
    assertTrue(chain.contains(old.path("id").asText()) && chain.contains(earlier.path("id").asText()), chain);
  }
}
