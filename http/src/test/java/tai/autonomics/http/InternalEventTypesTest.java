package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * The node's own event types (PLAN_RESOLVED puts a SKU on a pending entitlement, OFFER_END_PASSED ends one) are never
 * Google's: sent to {@code POST /marketplace} in a push they are refused as an unknown event type, a permanent
 * failure (a dead letter, acknowledged; 400 with {@code poison = reject}), and change nothing; the flat contract has
 * no such action. A type merely unknown to the node is still recorded in the tenant's chain.
 */
class InternalEventTypesTest {
  private static final String[] READ = {"Authorization", "Bearer rt"};

  @TempDir
  static Path dir;
  private static TestNode node;
  private static TestNode rejecting;

  @BeforeAll
  static void start() {
    node = TestNode.startRocks("autonomics.http.read-token = rt\n", dir.resolve("acknowledge"));
    rejecting = TestNode.start("autonomics.http.pubsub.poison = reject\n");
  }

  @AfterAll
  static void stop() {
    node.close();
    rejecting.close();
  }

  @Test
  void theNodesOwnEventTypesAreRefusedAsUnknownAndChangeNothing() throws Exception {
    assertEquals(200, push(node, "i1", "ENTITLEMENT_CREATION_REQUESTED", "ent-p", null).statusCode());
    assertEquals(200, node.post("/marketplace",
        "{\"tenant_id\":\"acct-a\",\"entitlement_id\":\"ent-a\",\"action\":\"grant\"}").statusCode());
    for (String type : new String[] {"PLAN_RESOLVED", "OFFER_END_PASSED", "plan_resolved"}) {
      for (String entitlement : new String[] {"ent-p", "ent-a"}) {
        String id = type + "-" + entitlement;
        JsonNode letter = json(push(node, id, type, entitlement, "enterprise"));
        assertEquals("dead_letter", letter.path("type").asText(), letter::toString);
        assertEquals("unknown_event_type", letter.path("reason").asText());
        HttpResponse<String> rejected = push(rejecting, id, type, entitlement, "enterprise");
        assertEquals(400, rejected.statusCode(), rejected::body);
        assertEquals("unknown_event_type", json(rejected).path("reason").asText());
      }
    }
    HttpResponse<String> flat = node.post("/marketplace",
        "{\"tenant_id\":\"acct-a\",\"entitlement_id\":\"ent-a\",\"action\":\"offer_end_passed\"}");
    assertEquals(400, flat.statusCode());
    assertEquals("unknown_action", json(flat).path("reason").asText());
    JsonNode pending = entitlement("acct-p");
    assertEquals("pending", pending.path("state").asText(), pending::toString);
    assertEquals("base", pending.path("sku").asText(), "no SKU put on it from outside");
    assertEquals("active", entitlement("acct-a").path("state").asText(), "not ended from outside");
    assertEquals(6, json(node.get("/dead-letters", READ)).path("receipts").size());
  }

  @Test
  void aTypeUnknownToTheNodeIsStillRecordedInTheTenantsChain() throws Exception {
    JsonNode recorded = json(push(node, "n1", "ENTITLEMENT_SOMETHING_NEW", "ent-n", null));
    assertEquals("entitlement", recorded.path("type").asText(), recorded::toString);
    assertEquals("unknown_event_type:ENTITLEMENT_SOMETHING_NEW", recorded.path("reason").asText());
    assertTrue(node.get("/tenants/acct-n/receipts", READ).body().contains(recorded.path("id").asText()));
  }

  private static JsonNode entitlement(String tenant) throws Exception {
    return json(node.get("/tenants/" + tenant, READ)).path("entitlement");
  }

  /** A Procurement event in a push; the account is named after the entitlement ({@code ent-x}: {@code acct-x}). */
  private static HttpResponse<String> push(TestNode target, String id, String type, String entitlementId,
      String newPlan) {
    String account = entitlementId.replace("ent-", "acct-");
    String data = "{\"eventId\":\"" + id + "\",\"eventType\":\"" + type + "\",\"providerId\":\"p\","
        + "\"entitlement\":{\"id\":\"" + entitlementId + "\"" + (newPlan == null ? "" : ",\"newPlan\":\"" + newPlan
        + "\"") + "},\"account\":{\"id\":\"" + account + "\"}}";
    return target.post("/marketplace", TestNode.envelope(id, data));
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }
}
