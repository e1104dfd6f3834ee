package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.procurement.ProcurementStandIn;

/**
 * The outbox's bound (a full outbox refuses new work with 503 overloaded), an unknown plan rejected at Google when
 * so configured, and the settlement routes' answers on a node that decides nothing: every one a 4xx, never a 5xx.
 */
class MarketplaceLimitsTest {
  private static final String PROVIDER = "DEMO-provider";
  private static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aFullOutboxRefusesNewWorkAndAnUnknownPlanIsRejectedAtGoogle() throws Exception {
    try (ProcurementStandIn google = new ProcurementStandIn(PROVIDER)) {
      Path credentials = google.writeCredentials(dir);
      google.approvedAccount("acct-1");
      // the first buyer's account is not approved: its entitlement waits in the outbox and fills it
      google.account("acct-0");
      google.entitlement("ent-0", "acct-0", "professional");
      google.entitlement("ent-1", "acct-1", "mystery");
      try (TestNode node = TestNode.startRocks("autonomics.procurement { enabled = on, provider-id = " + PROVIDER
          + ", base-url = \"" + google.baseUrl() + "\", credentials-file = \"" + credentials + "\" }\n"
          + "autonomics.entitlements.marketplace { outbox-capacity = 1, unknown-plan = reject }\n",
          dir.resolve("ledger"))) {
        assertEquals(200, push(node, "c0", "ENTITLEMENT_CREATION_REQUESTED", "ent-0", "acct-0").statusCode());
        HttpResponse<String> full = push(node, "c1", "ENTITLEMENT_CREATION_REQUESTED", "ent-1", "acct-1");
        assertEquals(503, full.statusCode(), full.body());
        assertEquals("overloaded", Json.MAPPER.readTree(full.body()).path("reason").asText());
        TestProbe<Void> waiter = testKit.createTestProbe();
        waiter.awaitAssert(Duration.ofSeconds(20), () -> {
          JsonNode pending = tenant(node, "acct-0").path("entitlements").get(0).path("pending_approval");
          assertEquals("awaiting_account", pending.path("step").asText(), pending + " "
              + node.get("/tenants/acct-0/receipts").body());
          return null;
        });
        // the account approved at Google and its ACCOUNT_ACTIVE delivered: the job decides, approves and ends
        google.approvedAccount("acct-0");
        assertEquals(200, push(node, "c2", "ACCOUNT_ACTIVE", null, "acct-0").statusCode());
        waiter.awaitAssert(Duration.ofSeconds(20), () -> {
          assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState("ent-0").path("state").asText());
          return null;
        });
        assertEquals(200, push(node, "c3", "ENTITLEMENT_ACTIVE", "ent-0", "acct-0").statusCode());
        // room again: Pub/Sub's redelivery of the refused event is taken, and its unknown plan rejected at Google
        assertEquals(200, push(node, "c1", "ENTITLEMENT_CREATION_REQUESTED", "ent-1", "acct-1").statusCode());
        waiter.awaitAssert(Duration.ofSeconds(20), () -> {
          assertEquals("ENTITLEMENT_CANCELLED", google.entitlementState("ent-1").path("state").asText());
          return null;
        });
        assertTrue(google.calls().stream().anyMatch(c -> c.path().endsWith("ent-1:reject")
            && c.body().path("reason").asText().startsWith("unknown_plan")));
      }
    }
  }

  @Test
  void settlementsOnANodeThatDecidesNothingAreClientErrors() throws Exception {
    try (TestNode node = TestNode.start("autonomics.http.admin-token = t0ken\n")) {
      assertEquals(200, node.post("/marketplace",
          "{\"tenant_id\":\"t1\",\"entitlement_id\":\"e1\",\"action\":\"grant\"}").statusCode());
      assertEquals(401, node.post("/tenants/t1/entitlements/e1/approve", "").statusCode());
      assertEquals(409, node.post("/tenants/t1/entitlements/e1/approve", "", "Authorization", "Bearer t0ken")
          .statusCode());
      assertEquals(404, node.post("/tenants/t1/entitlements/nope/reject", "", "Authorization", "Bearer t0ken")
          .statusCode());
      assertEquals(404, node.post("/tenants/nobody/entitlements/e1/reject", "", "Authorization", "Bearer t0ken")
          .statusCode());
      JsonNode tenant = tenant(node, "t1");
      assertEquals("e1", tenant.path("entitlements").get(0).path("entitlement").path("entitlement_id").asText());
    }
    try (TestNode node = TestNode.start("")) {
      HttpResponse<String> disabled = node.post("/tenants/t1/entitlements/e1/approve", "");
      assertEquals(403, disabled.statusCode());
      assertEquals("admin_disabled", Json.MAPPER.readTree(disabled.body()).path("reason").asText());
    }
  }

  private static HttpResponse<String> push(TestNode node, String id, String type, String entitlementId,
      String accountId) {
    String entitlement = entitlementId == null ? "" : ",\"entitlement\":{\"id\":\"" + entitlementId + "\"}";
    String data = "{\"eventId\":\"" + id + "\",\"eventType\":\"" + type + "\",\"providerId\":\"" + PROVIDER + "\""
        + entitlement + ",\"account\":{\"id\":\"" + accountId + "\"}}";
    return node.post("/marketplace", TestNode.envelope(id, data));
  }

  private static JsonNode tenant(TestNode node, String id) throws Exception {
    HttpResponse<String> response = node.get("/tenants/" + id);
    assertEquals(200, response.statusCode(), response.body());
    return Json.MAPPER.readTree(response.body());
  }
}
