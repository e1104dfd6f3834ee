package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * Entitlements keyed by entitlement id (issue 15, point 7), over real HTTP and a real RocksDB ledger, across a
 * restart: an account holds several orders, the governor serves it on the highest active tier, and a request that
 * repeats a state in effect is answered 200 with the receipt that made it so.
 */
class EntitlementOrdersTest {
  @TempDir
  Path dir;

  @Test
  void aRetriedGrantIsAnsweredWithTheOriginalReceipt() {
    try (TestNode node = start()) {
      String grant = "{\"tenant_id\":\"acct-1\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\"}";
      JsonNode first = ok(node.post("/marketplace", grant));
      JsonNode retried = ok(node.post("/marketplace", grant));
      assertEquals(first.path("id").asText(), retried.path("id").asText());
      JsonNode sameSku = ok(node.post("/marketplace",
          "{\"tenant_id\":\"acct-1\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"sku\":\"base\"}"));
      assertEquals(first.path("id").asText(), sameSku.path("id").asText());
      assertEquals(1, json(node.get("/tenants/acct-1/receipts")).path("receipts").size(), "nothing written again");
      assertEquals(409, node.post("/marketplace",
          "{\"tenant_id\":\"acct-1\",\"entitlement_id\":\"ent-1\",\"action\":\"grant\",\"sku\":\"enterprise\"}")
          .statusCode(), "another plan is no repeat");
    }
  }

  @Test
  void aSecondOrderIsItsOwnEntitlementAndTheHighestActiveTierServes() {
    String suspended;
    try (TestNode node = start()) {
      ok(node.post("/marketplace", "{\"tenant_id\":\"acct-2\",\"entitlement_id\":\"ent-a\",\"action\":\"grant\"}"));
      // the second order of the same account, as Marketplace sends it: a new entitlement id
      JsonNode requested = procurement(node, "ev-1", "ENTITLEMENT_CREATION_REQUESTED", "ent-b", "enterprise");
      assertEquals("pending", requested.path("state_to").asText());
      assertEquals("acct-2", requested.path("tenant_id").asText());
      JsonNode active = procurement(node, "ev-2", "ENTITLEMENT_ACTIVE", "ent-b", null);
      assertEquals("active", active.path("state_to").asText());
      JsonNode repeated = procurement(node, "ev-3", "ENTITLEMENT_ACTIVE", "ent-b", null);
      assertEquals(active.path("id").asText(), repeated.path("id").asText(), "active is in effect already");

      JsonNode tenant = json(node.get("/tenants/acct-2"));
      assertEquals("ent-b", tenant.path("entitlement").path("entitlement_id").asText(), tenant::toString);
      assertEquals("enterprise", tenant.path("entitlement").path("sku").asText());
      assertTrue(tenant.path("policy").asText().startsWith("enterprise@"), tenant::toString);
      // 65 warns on base (above 60), not on enterprise (above 70)
      assertEquals("stable", signal(node, "s-1", 65).path("state_to").asText());

      JsonNode suspend = ok(node.post("/marketplace",
          "{\"tenant_id\":\"acct-2\",\"entitlement_id\":\"ent-b\",\"action\":\"suspend\"}"));
      suspended = suspend.path("id").asText();
      assertEquals("ent-a", json(node.get("/tenants/acct-2")).path("entitlement").path("entitlement_id").asText(),
          "with the enterprise order suspended the base one serves");
      awaitPolicy(node, "base@");
      assertEquals("warning", signal(node, "s-2", 65).path("state_to").asText());
    }
    try (TestNode node = start()) {
      JsonNode tenant = json(node.get("/tenants/acct-2"));
      assertEquals("ent-a", tenant.path("entitlement").path("entitlement_id").asText(), tenant::toString);
      assertTrue(tenant.path("entitled").asBoolean());
      JsonNode again = ok(node.post("/marketplace",
          "{\"tenant_id\":\"acct-2\",\"entitlement_id\":\"ent-b\",\"action\":\"suspend\"}"));
      assertEquals(suspended, again.path("id").asText(), "the receipt that suspended it, also after a restart");
      JsonNode resumed = ok(node.post("/marketplace",
          "{\"tenant_id\":\"acct-2\",\"entitlement_id\":\"ent-b\",\"action\":\"resume\"}"));
      assertNotEquals(suspended, resumed.path("id").asText());
      assertEquals("enterprise", json(node.get("/tenants/acct-2")).path("entitlement").path("sku").asText());
    }
  }

  @Test
  void anEntitlementOfAnotherTenantIsNotChangedThroughAFlatRequest() {
    try (TestNode node = start()) {
      ok(node.post("/marketplace", "{\"tenant_id\":\"acct-3\",\"entitlement_id\":\"ent-x\",\"action\":\"grant\"}"));
      HttpResponse<String> other = node.post("/marketplace",
          "{\"tenant_id\":\"acct-4\",\"entitlement_id\":\"ent-x\",\"action\":\"suspend\"}");
      assertEquals(409, other.statusCode(), other::body);
      assertEquals("invalid_transition", json(other).path("reason").asText());
      assertTrue(json(node.get("/tenants/acct-3")).path("entitled").asBoolean());
    }
  }

  /** The governor hears of a change through the entitlement topic, a moment after the answer to it. */
  private static void awaitPolicy(TestNode node, String prefix) {
    String policy = "";
    for (int i = 0; i < 1000 && !policy.startsWith(prefix); i++) {
      policy = json(node.get("/tenants/acct-2")).path("policy").asText();
    }
    assertTrue(policy.startsWith(prefix), policy);
  }

  private TestNode start() {
    return TestNode.startRocks("", dir.resolve("ledger"));
  }

  private static JsonNode procurement(TestNode node, String eventId, String type, String entitlement, String plan) {
    String event = """
        {"eventId":"%s","eventType":"%s","providerId":"p","entitlement":{"id":"%s"%s},"account":{"id":"acct-2"}}"""
        .formatted(eventId, type, entitlement, plan == null ? "" : ",\"newPlan\":\"" + plan + "\"");
    return ok(node.post("/marketplace", envelope("m-" + eventId, event)));
  }

  private static JsonNode signal(TestNode node, String messageId, double value) {
    return ok(node.post("/pubsub",
        envelope(messageId, "{\"tenant_id\":\"acct-2\",\"metric\":\"cpu\",\"value\":" + value + "}")));
  }

  private static String envelope(String messageId, String data) {
    String encoded = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
    return "{\"message\":{\"data\":\"" + encoded + "\",\"messageId\":\"" + messageId + "\"},\"subscription\":\"s\"}";
  }

  private static JsonNode ok(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
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
