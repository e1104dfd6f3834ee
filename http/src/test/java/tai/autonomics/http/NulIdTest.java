package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tai.autonomics.http.TestNode.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * U+0000 in an id (tenant, event, provider, entitlement, account, plan, ...) is refused at decode time with a
 * stable reason, over real HTTP and RocksDB (docs/API.md): 400 {@code invalid_event} / {@code invalid_signal} for
 * direct calls, a dead letter answered 200 for a push ({@code poison = reject}: 400). PostgreSQL cannot store the
 * NUL (the cluster variant of this test: ClusterNulIdTest), so letting one through would be a 503 on every
 * redelivery. Nothing is lost: every refused push is in the verified dead-letter chain after a restart, and the node
 * goes on serving.
 */
class NulIdTest {
  private static final String CONFIG = """
      autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
      autonomics.http.read-token = "rt"
      """;
  private static final String[] READ = {"Authorization", "Bearer rt"};
  /** The JSON escape of U+0000, as a client would send it. */
  private static final String NUL = "\\u0000";

  @TempDir
  Path dir;

  /** Flat requests with a NUL in one field each: the direct caller gets 400. */
  private static List<String> flat() {
    return List.of(
        "{\"tenant_id\":\"a" + NUL + "b\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent" + NUL + "\",\"action\":\"grant\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"sku\":\"base" + NUL + "\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"customer_id\":\"c" + NUL + "\"}",
        "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"event_id\":\"e" + NUL + "\"}");
  }

  /** Procurement events with a NUL in one id each. */
  private static List<String> procurement() {
    return List.of(
        "{\"eventId\":\"ev" + NUL + "\",\"eventType\":\"ENTITLEMENT_ACTIVE\",\"entitlement\":{\"id\":\"ent-2\"}}",
        "{\"eventId\":\"ev-2\",\"eventType\":\"ENTITLEMENT_ACTIVE\",\"providerId\":\"p" + NUL + "\","
            + "\"entitlement\":{\"id\":\"ent-2\"}}",
        "{\"eventId\":\"ev-3\",\"eventType\":\"ENTITLEMENT_ACTIVE\",\"entitlement\":{\"id\":\"ent" + NUL + "\"}}",
        "{\"eventId\":\"ev-4\",\"eventType\":\"ACCOUNT_ACTIVE\",\"account\":{\"id\":\"acc" + NUL + "\"}}",
        "{\"eventId\":\"ev-5\",\"eventType\":\"ENTITLEMENT_PLAN_CHANGE_REQUESTED\","
            + "\"entitlement\":{\"id\":\"ent-2\",\"newPlan\":\"pro" + NUL + "\"}}");
  }

  @Test
  void aNulInAnyIdIsRefusedAtDecodeTimeAndNeverA5xx() {
    int letters = 0;
    try (TestNode node = start("acknowledge", "")) {
      for (String body : flat()) {
        assertRefused(node.post("/marketplace", body), "invalid_event");
      }
      int i = 0;
      for (String event : procurement()) {
        assertDeadLetter(node.post("/marketplace", envelope("mk-" + i++, event)), "invalid_event");
        letters++;
      }
      assertDeadLetter(node.post("/marketplace", envelope("mk-t", "{\"eventId\":\"ev-6\",\"eventType\":"
          + "\"ENTITLEMENT_ACTIVE\",\"entitlement\":{\"id\":\"ent-3\"}}", "{\"tenant_id\":\"t" + NUL + "\"}")),
          "invalid_event");
      letters++;
      // a signal whose tenant holds a NUL names no tenant for certain: a dead letter, not a chain under that id
      assertDeadLetter(node.post("/pubsub", envelope("ps-1", TestNode.signal("a" + NUL, "cpu", "1"))),
          "invalid_signal");
      assertDeadLetter(node.post("/pubsub", envelope("ps-2", TestNode.signal("tenant-001", "cpu", "1"),
          "{\"tenant_id\":\"x" + NUL + "\"}")), "invalid_signal");
      letters += 2;
      // a known tenant's signal with a NUL metric: the tenant's own invalid_signal refusal receipt
      JsonNode refusal = ok(node.post("/pubsub", envelope("ps-3", TestNode.signal("tenant-001", "c" + NUL, "1"))));
      assertEquals("refusal", refusal.path("type").asText(), refusal::toString);
      assertEquals("invalid_signal", refusal.path("reason").asText());
      assertEquals("tenant-001", refusal.path("tenant_id").asText());
      // no tenant route reaches the store with such an id
      assertEquals(404, node.get("/tenants/a%00b", READ).statusCode());
      assertEquals(0, ok(node.get("/tenants/a%00b/receipts", READ)).path("receipts").size());
      assertTrue(ok(node.get("/tenants/a%00b/verify", READ)).path("valid").asBoolean());
      // and the node goes on: the same grant without the NUL is applied
      JsonNode granted = ok(node.post("/marketplace",
          "{\"tenant_id\":\"acme\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\"}"));
      assertEquals("active", granted.path("state_to").asText(), granted::toString);
    }
    try (TestNode node = start("acknowledge", "")) {
      JsonNode verified = ok(node.get("/dead-letters/verify", READ));
      assertTrue(verified.path("valid").asBoolean(), verified::toString);
      assertEquals(letters, verified.path("count").asInt(), "every refused push recorded, across the restart");
      assertEquals("active", ok(node.get("/tenants/acme", READ)).path("entitlement").path("state").asText());
    }
  }

  @Test
  void withPoisonRejectAPushWithANulIdGets400() {
    try (TestNode node = start("reject", "autonomics.http.pubsub.poison = reject\n")) {
      for (String event : procurement()) {
        assertRefused(node.post("/marketplace", envelope("mk", event)), "invalid_event");
      }
      assertRefused(node.post("/pubsub", envelope("ps", TestNode.signal("a" + NUL, "cpu", "1"))), "invalid_signal");
      assertEquals(0, ok(node.get("/dead-letters", READ)).path("receipts").size(), "reject writes nothing");
    }
  }

  private TestNode start(String name, String extra) {
    Path data = dir.resolve(name);
    return TestNode.startRocks(CONFIG + extra + "autonomics.ledger.data-dir = \""
        + data.toString().replace("\\", "/") + "\"\n", data.resolve("ledger"));
  }

  private static void assertRefused(HttpResponse<String> response, String reason) {
    assertEquals(400, response.statusCode(), response::body);
    assertEquals(reason, json(response).path("reason").asText(), response::body);
  }

  private static void assertDeadLetter(HttpResponse<String> response, String reason) {
    JsonNode letter = ok(response);
    assertEquals("dead_letter", letter.path("type").asText(), letter::toString);
    assertEquals(reason, letter.path("reason").asText(), letter::toString);
    assertEquals(64, letter.path("hash").asText().length(), "sealed and durable");
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
