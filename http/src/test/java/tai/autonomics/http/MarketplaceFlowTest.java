package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.procurement.ProcurementStandIn;

/**
 * The Marketplace flow end to end, over real HTTP and RocksDB, against the Procurement API stand-in: Google's
 * Pub/Sub events in, the node's decisions and calls out, every step a receipt in the tenant's chain; and the
 * failures: Google down for a while, a node stopped between its decision and the call, a 400, an unknown plan.
 */
class MarketplaceFlowTest {
  private static final String PROVIDER = "DEMO-provider";
  private static final String ADMIN = "Bearer admin-secret";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir
  Path dir;
  private ProcurementStandIn google;
  private Path credentials;
  private TestNode node;
  private final TestProbe<Void> waiter = testKit.createTestProbe();

  @BeforeEach
  void start() throws Exception {
    google = new ProcurementStandIn(PROVIDER);
    credentials = google.writeCredentials(dir);
    node = startNode();
  }

  private TestNode startNode() {
    return TestNode.startRocks("autonomics.procurement { enabled = on, provider-id = " + PROVIDER
        + ", base-url = \"" + google.baseUrl() + "\", credentials-file = \"" + credentials + "\""
        + ", max-attempts = 2, backoff-min = 10ms, backoff-max = 20ms }\n"
        + "autonomics.entitlements.marketplace { retry-min = 50ms, retry-max = 200ms,"
        + " sku-for-plan { standard = professional, premium = enterprise } }\n"
        + "autonomics.http.admin-token = admin-secret\n", dir.resolve("ledger"));
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    google.close();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aPurchaseIsApprovedActivatedGovernedChangedAndCancelled() throws Exception {
    google.approvedAccount("acct-1");
    google.entitlement("ent-1", "acct-1", "standard");
    ok(push("e1", "ENTITLEMENT_CREATION_REQUESTED", "ent-1", "acct-1", null));
    awaitGoogle("ent-1", "ENTITLEMENT_ACTIVE");
    ok(push("e2", "ENTITLEMENT_ACTIVE", "ent-1", "acct-1", null));
    JsonNode tenant = tenant("acct-1");
    assertEquals("professional", tenant.path("entitlement").path("sku").asText(), tenant.toString());
    assertEquals("active", tenant.path("entitlement").path("state").asText());
    assertEquals("standard", tenant.path("entitlements").get(0).path("google").path("plan").asText());
    assertEquals("2027-12-01T10:00:00Z",
        tenant.path("entitlements").get(0).path("google").path("offer_end_time").asText());

    JsonNode decided = ok(node.post("/pubsub", TestNode.envelope("s1", TestNode.signal("acct-1", "cpu", "35"))));
    assertEquals("transition", decided.path("type").asText());
    assertTrue(decided.path("policy").asText().startsWith("professional@"), decided.toString());

    google.pendingPlan("ent-1", "premium");
    ok(push("e3", "ENTITLEMENT_PLAN_CHANGE_REQUESTED", "ent-1", "acct-1", "premium"));
    awaitGoogle("ent-1", "ENTITLEMENT_ACTIVE");
    assertEquals("premium", google.entitlementState("ent-1").path("plan").asText());
    assertTrue(google.calls().stream().anyMatch(c -> c.path().endsWith("ent-1:approvePlanChange")
        && c.body().path("pendingPlanName").asText().equals("premium")));
    ok(push("e4", "ENTITLEMENT_PLAN_CHANGED", "ent-1", "acct-1", "premium"));
    assertEquals("enterprise", tenant("acct-1").path("entitlement").path("sku").asText());

    ok(push("e5", "ENTITLEMENT_CANCELLED", "ent-1", "acct-1", null));
    tenant = tenant("acct-1");
    assertFalse(tenant.path("entitled").asBoolean(true), tenant.toString());

    List<String> steps = new ArrayList<>();
    for (JsonNode receipt : receipts("acct-1")) {
      steps.add(receipt.path("type").asText() + ":" + receipt.path("state_to").asText() + ":"
          + receipt.path("action_type").asText(""));
    }
    assertTrue(steps.containsAll(List.of("entitlement:pending:", "procurement_call:call:entitlements.approve",
        "procurement_call:done:entitlements.approve", "entitlement:active:",
        "procurement_call:call:entitlements.approvePlanChange",
        "procurement_call:done:entitlements.approvePlanChange", "entitlement:cancelled:")), steps.toString());
    assertTrue(ok(node.get("/tenants/acct-1/verify")).path("valid").asBoolean());
  }

  @Test
  void googleDownForAWhileTheOutboxRetriesAndTheApprovalLandsLater() throws Exception {
    google.approvedAccount("acct-2");
    google.entitlement("ent-2", "acct-2", "standard");
    google.failNext(12, 503, "UNAVAILABLE", "The service is currently unavailable.");
    ok(push("d1", "ENTITLEMENT_CREATION_REQUESTED", "ent-2", "acct-2", null));
    waiter.awaitAssert(WAIT, () -> {
      JsonNode pending = tenant("acct-2").path("entitlements").get(0).path("pending_approval");
      assertTrue(pending.path("stuck").asBoolean(), pending.toString());
      assertTrue(node.get("/metrics").body().contains("tai_procurement_outbox_calls{state=\"stuck\"} 1.0"));
      return null;
    });
    awaitGoogle("ent-2", "ENTITLEMENT_ACTIVE");
    assertTrue(receipts("acct-2").stream().anyMatch(r -> r.path("reason").asText().startsWith("retrying")));
  }

  @Test
  void aNodeStoppedBetweenDecisionAndCallMakesTheCallAfterRestartAndARepeatIsHarmless() throws Exception {
    google.approvedAccount("acct-3");
    google.entitlement("ent-3", "acct-3", "standard");
    ok(push("r0", "ACCOUNT_ACTIVE", null, "acct-3", null));
    // the reads answer, the approval does not: Google goes down right after the decision
    google.failPath(":approve", 503, "UNAVAILABLE");
    ok(push("r1", "ENTITLEMENT_CREATION_REQUESTED", "ent-3", "acct-3", null));
    waiter.awaitAssert(WAIT, () -> {
      assertTrue(receipts("acct-3").stream().anyMatch(r -> r.path("state_to").asText().equals("call")
          && r.path("reason").asText().startsWith("retrying")));
      return null;
    });
    node.close();
    node = null;
    // the approval may have landed before the stop, its answer lost: Google has the entitlement active
    google.clearFaults();
    google.entitlementState("ent-3", "ENTITLEMENT_ACTIVE");
    int before = google.calls().size();
    node = startNode();
    waiter.awaitAssert(WAIT, () -> {
      assertTrue(receipts("acct-3").stream().anyMatch(r -> r.path("state_to").asText().equals("done")
          && r.path("action_type").asText().equals("entitlements.approve")), "the repeated approve succeeded");
      return null;
    });
    assertTrue(google.calls().subList(before, google.calls().size()).stream()
        .anyMatch(c -> c.path().endsWith("ent-3:approve")), "the call was made after the restart");
    ok(push("r2", "ENTITLEMENT_ACTIVE", "ent-3", "acct-3", null));
    assertEquals("active", tenant("acct-3").path("entitlement").path("state").asText());
    assertEquals("professional", tenant("acct-3").path("entitlement").path("sku").asText());
  }

  @Test
  void aRefusalFromGoogleIsRecordedAndNotRetried() throws Exception {
    google.approvedAccount("acct-4");
    google.entitlement("ent-4", "acct-4", "standard");
    google.entitlementState("ent-4", "ENTITLEMENT_CANCELLED");
    ok(push("f1", "ENTITLEMENT_CREATION_REQUESTED", "ent-4", "acct-4", null));
    waiter.awaitAssert(WAIT, () -> {
      assertTrue(receipts("acct-4").stream().anyMatch(r -> r.path("reason").asText()
          .startsWith("Google refused entitlements.approve: HTTP 400")));
      return null;
    });
    assertTrue(tenant("acct-4").path("entitlements").get(0).path("pending_approval").isMissingNode());
    assertEquals(1, google.calls().stream().filter(c -> c.path().endsWith("ent-4:approve")).count());
  }

  @Test
  void anUnknownPlanIsHeldUntilAnOperatorSettlesIt() throws Exception {
    google.approvedAccount("acct-5");
    google.entitlement("ent-5", "acct-5", "mystery");
    ok(push("u1", "ENTITLEMENT_CREATION_REQUESTED", "ent-5", "acct-5", null));
    waiter.awaitAssert(WAIT, () -> {
      JsonNode pending = tenant("acct-5").path("entitlements").get(0).path("pending_approval");
      assertEquals("held", pending.path("step").asText(), pending.toString());
      assertTrue(pending.path("reason").asText().startsWith("unknown_plan"));
      return null;
    });
    assertEquals(401, node.post("/tenants/acct-5/entitlements/ent-5/approve", "").statusCode());
    assertEquals(404, node.post("/tenants/acct-5/entitlements/ent-x/approve", "", "Authorization", ADMIN)
        .statusCode());
    assertEquals(400, node.post("/tenants/acct-5/entitlements/ent-5/approve?sku=a%20b", "", "Authorization", ADMIN)
        .statusCode());
    JsonNode decision = ok(node.post("/tenants/acct-5/entitlements/ent-5/approve?sku=base", "",
        "Authorization", ADMIN));
    assertEquals("procurement_call", decision.path("type").asText());
    assertEquals(409, node.post("/tenants/acct-5/entitlements/ent-5/reject", "", "Authorization", ADMIN)
        .statusCode());
    awaitGoogle("ent-5", "ENTITLEMENT_ACTIVE");
    ok(push("u2", "ENTITLEMENT_ACTIVE", "ent-5", "acct-5", null));
    assertEquals("base", tenant("acct-5").path("entitlement").path("sku").asText());
  }

  @Test
  void anIdGoogleCouldNeverHaveIssuedIsRecordedAndNeverSent() throws Exception {
    ok(push("b1", "ENTITLEMENT_CREATION_REQUESTED", "ent x/..", "acct-6", null));
    waiter.awaitAssert(WAIT, () -> {
      assertTrue(receipts("acct-6").stream().anyMatch(r -> r.path("type").asText().equals("procurement_call")
          && r.path("reason").asText().startsWith("Google refused entitlements.get: HTTP 0 INVALID_ARGUMENT")));
      return null;
    });
    assertFalse(google.calls().stream().anyMatch(c -> c.path().contains("ent x")), "nothing malformed is sent");
    HttpResponse<String> settle = node.post("/tenants/acct-6/entitlements/ent%20x%2F../approve", "",
        "Authorization", ADMIN);
    assertTrue(settle.statusCode() >= 400 && settle.statusCode() < 500, settle.statusCode() + " " + settle.body());
  }

  private HttpResponse<String> push(String id, String type, String entitlementId, String accountId,
      String newPlan) {
    String entitlement = entitlementId == null ? "" : ",\"entitlement\":{\"id\":\"" + entitlementId + "\""
        + (newPlan == null ? "" : ",\"newPlan\":\"" + newPlan + "\"") + "}";
    String data = "{\"eventId\":\"" + id + "\",\"eventType\":\"" + type + "\",\"providerId\":\"" + PROVIDER + "\""
        + entitlement + ",\"account\":{\"id\":\"" + accountId + "\"}}";
    return node.post("/marketplace", TestNode.envelope(id, data));
  }

  private void awaitGoogle(String entitlementId, String state) {
    waiter.awaitAssert(WAIT, () -> {
      assertEquals(state, google.entitlementState(entitlementId).path("state").asText());
      return null;
    });
  }

  private JsonNode tenant(String id) throws Exception {
    return ok(node.get("/tenants/" + id));
  }

  private List<JsonNode> receipts(String tenant) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    ok(node.get("/tenants/" + tenant + "/receipts?limit=1000")).path("receipts").forEach(all::add);
    return all;
  }

  private static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    return Json.MAPPER.readTree(response.body());
  }
}
