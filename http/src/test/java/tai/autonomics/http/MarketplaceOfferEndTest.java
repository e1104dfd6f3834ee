package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * The offer end, end to end over real HTTP and RocksDB against the Procurement API stand-in: the offerEndTime of
 * entitlements.get ends the entitlement when it passes, with an OFFER_END_PASSED receipt and no event from Google,
 * while the node runs and after a restart when it passed while the node was down; Google's renewal clears it.
 */
class MarketplaceOfferEndTest {
  private static final String PROVIDER = "DEMO-provider";
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
        + "autonomics.entitlements.marketplace { retry-min = 50ms, retry-max = 200ms, offer-end-grace = 0s,"
        + " sku-for-plan { standard = professional } }\n", dir.resolve("ledger"));
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
  void anOfferEndThatPassesWhileTheNodeRunsEndsTheEntitlement() throws Exception {
    Instant end = Instant.now().plusSeconds(3);
    activate("ent-1", "acct-1", end);
    JsonNode tenant = tenant("acct-1");
    assertTrue(tenant.path("entitled").asBoolean(), tenant.toString());
    assertEquals(end.toString(), tenant.path("entitlement").path("offer_end_time").asText(), tenant.toString());
    awaitEnded("acct-1", end);
    assertEquals(0, google.calls().stream().filter(c -> c.method().equals("POST")
        && c.path().contains("ent-1:") && !c.path().endsWith(":approve")).count(), "nothing more is asked of Google");
    assertTrue(ok(node.get("/tenants/acct-1/verify")).path("valid").asBoolean());
  }

  @Test
  void anOfferEndThatPassedWhileTheNodeWasDownEndsTheEntitlementAtStart() throws Exception {
    Instant end = Instant.now().plusSeconds(3);
    activate("ent-2", "acct-2", end);
    node.close();
    node = null;
    waiter.awaitAssert(WAIT, () -> {
      assertTrue(Instant.now().isAfter(end.plusMillis(500)), "the offer end has passed while the node is down");
      return null;
    });
    node = startNode();
    awaitEnded("acct-2", end);
    assertEquals(1, receipts("acct-2").stream()
        .filter(r -> r.path("reason").asText().startsWith("OFFER_END_PASSED")).count(), "one end, one receipt");
  }

  @Test
  void googlesRenewalClearsTheOfferEndAndTheEntitlementStays() throws Exception {
    Instant end = Instant.now().plusSeconds(3);
    activate("ent-3", "acct-3", end);
    ok(push("n1", "ENTITLEMENT_RENEWED", "ent-3", "acct-3"));
    JsonNode tenant = tenant("acct-3");
    assertTrue(tenant.path("entitlement").path("offer_end_time").isMissingNode(), tenant.toString());
    waiter.awaitAssert(WAIT, () -> {
      assertTrue(Instant.now().isAfter(end.plusSeconds(1)), "past the old offer end");
      return null;
    });
    tenant = tenant("acct-3");
    assertTrue(tenant.path("entitled").asBoolean(), tenant.toString());
    assertFalse(receipts("acct-3").stream().anyMatch(r -> r.path("reason").asText().startsWith("OFFER_END")));
  }

  /** A purchase with the given offer end, approved by the node and activated by Google. */
  private void activate(String entitlementId, String accountId, Instant end) throws Exception {
    google.approvedAccount(accountId);
    google.entitlement(entitlementId, accountId, "standard");
    google.offerEnd(entitlementId, end.toString());
    ok(push("c-" + entitlementId, "ENTITLEMENT_CREATION_REQUESTED", entitlementId, accountId));
    waiter.awaitAssert(WAIT, () -> {
      assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState(entitlementId).path("state").asText());
      return null;
    });
    ok(push("a-" + entitlementId, "ENTITLEMENT_ACTIVE", entitlementId, accountId));
  }

  private void awaitEnded(String tenantId, Instant end) throws Exception {
    waiter.awaitAssert(WAIT, () -> {
      JsonNode tenant = tenant(tenantId);
      assertFalse(tenant.path("entitled").asBoolean(true), tenant.toString());
      assertEquals("cancelled", tenant.path("entitlement").path("state").asText(), tenant.toString());
      return null;
    });
    JsonNode receipt = receipts(tenantId).stream()
        .filter(r -> r.path("reason").asText().startsWith("OFFER_END_PASSED")).findFirst().orElseThrow();
    assertEquals("entitlement", receipt.path("type").asText());
    assertEquals("active", receipt.path("state_from").asText());
    assertEquals("cancelled", receipt.path("state_to").asText());
    assertTrue(receipt.path("timestamp").asLong() >= end.toEpochMilli(), "not before the offer end: " + receipt);
  }

  private HttpResponse<String> push(String id, String type, String entitlementId, String accountId) {
    String data = "{\"eventId\":\"" + id + "\",\"eventType\":\"" + type + "\",\"providerId\":\"" + PROVIDER + "\""
        + ",\"entitlement\":{\"id\":\"" + entitlementId + "\"},\"account\":{\"id\":\"" + accountId + "\"}}";
    return node.post("/marketplace", TestNode.envelope(id, data));
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
