package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.procurement.ProcurementStandIn;

/**
 * SIGKILL between the decision and the call (issue 17): a node in a child JVM over RocksDB decides to approve an
 * entitlement and takes a sign-up, while the Procurement stand-in first refuses the approvals (503) and then holds
 * them unanswered; the node is killed with one approval in flight. Restarted on the same data directory it makes both
 * calls from what its ledger says, the stand-in receives them, and the tenant ends up active on its plan's SKU; a
 * third start repeats neither.
 */
class MarketplaceCrashTest {
  private static final String PROVIDER = "DEMO-provider";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir
  Path dir;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final TestProbe<Void> waiter = testKit.createTestProbe();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void killedBetweenDecisionAndCallTheCallsAreMadeAfterRestartAndTheTenantEndsUpActive() throws Exception {
    try (ProcurementStandIn google = new ProcurementStandIn(PROVIDER)) {
      TestKeys.Key signer = TestKeys.generate(dir, "google");
      Path certs = Files.writeString(dir.resolve("certs.json"),
          Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("k1", signer.certificatePem())));
      String[] config = {"autonomics.procurement.enabled=on", "autonomics.procurement.provider-id=" + PROVIDER,
          "autonomics.procurement.base-url=" + google.baseUrl(),
          "autonomics.procurement.credentials-file=" + google.writeCredentials(dir),
          "autonomics.procurement.max-attempts=2", "autonomics.procurement.backoff-min=10ms",
          "autonomics.procurement.backoff-max=20ms", "autonomics.procurement.request-timeout=20s",
          "autonomics.entitlements.marketplace.retry-min=100ms", "autonomics.entitlements.marketplace.retry-max=300ms",
          "autonomics.http.signup.enabled=on", "autonomics.http.signup.partner-domain=" + SignupTest.DOMAIN,
          "autonomics.http.signup.certs-file=" + certs};
      google.approvedAccount("acct-k");
      google.entitlement("ent-k", "acct-k", "professional");
      google.account("acct-s");
      Path data = dir.resolve("data");
      try (NodeProcess node = NodeProcess.start(0, data, config)) {
        String url = ready(node);
        // Google down for the approvals only: the reads answer, so the decision is made and written
        google.failPath(":approve", 503, "UNAVAILABLE");
        HttpResponse<String> requested = push(url, "k1", "ENTITLEMENT_CREATION_REQUESTED");
        assertEquals(200, requested.statusCode(), requested.body());
        HttpResponse<String> signedUp = signup(url, SignupTest.token("k1", signer.privateKey(),
            SignupTest.claims("acct-s")));
        assertEquals(200, signedUp.statusCode(), "the buyer is answered once the link is durable: " + signedUp.body());
        waiter.awaitAssert(WAIT, () -> {
          assertTrue(steps(url, "acct-k").contains("procurement_call:call:entitlements.approve"));
          return null;
        });
        // then slow: the next approve is held unanswered, and the node dies with it in flight
        int held = google.calls().size();
        google.holdCalls();
        waiter.awaitAssert(WAIT, () -> {
          assertTrue(google.calls().subList(held, google.calls().size()).stream()
              .anyMatch(c -> c.path().endsWith(":approve")), "an approve is in flight");
          return null;
        });
        node.process.destroyForcibly();
        assertTrue(node.process.waitFor(30, TimeUnit.SECONDS), "the node died");
      }
      // the held call is let go while Google still refuses approvals: a dead node's request changes nothing
      google.release();
      waiter.awaitAssert(WAIT, () -> {
        assertEquals(google.calls().size(), google.answered(), "no call in flight");
        return null;
      });
      google.clearFaults();
      assertEquals("ENTITLEMENT_ACTIVATION_REQUESTED", google.entitlementState("ent-k").path("state").asText());
      assertEquals("ACCOUNT_ACTIVATION_REQUESTED", google.accountState("acct-s").path("state").asText());
      int before = google.calls().size();
      try (NodeProcess node = NodeProcess.start(0, data, config)) {
        String url = ready(node);
        waiter.awaitAssert(WAIT, () -> {
          assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState("ent-k").path("state").asText());
          assertEquals("ACCOUNT_ACTIVE", google.accountState("acct-s").path("state").asText());
          return null;
        });
        List<String> after = google.calls().subList(before, google.calls().size()).stream()
            .map(ProcurementStandIn.Call::path).toList();
        assertTrue(after.stream().anyMatch(p -> p.endsWith("/entitlements/ent-k:approve")), after.toString());
        assertTrue(after.stream().anyMatch(p -> p.endsWith("/accounts/acct-s:approve")), after.toString());
        HttpResponse<String> active = push(url, "k2", "ENTITLEMENT_ACTIVE");
        assertEquals(200, active.statusCode(), active.body());
        JsonNode tenant = Json.MAPPER.readTree(get(url + "/tenants/acct-k").body());
        assertEquals("active", tenant.path("entitlement").path("state").asText(), tenant.toString());
        assertEquals("professional", tenant.path("entitlement").path("sku").asText());
        waiter.awaitAssert(WAIT, () -> {
          assertTrue(steps(url, "acct-k").contains("procurement_call:done:entitlements.approve"));
          assertTrue(steps(url, "acct-s").contains("entitlement:approved:accounts.approve"));
          return null;
        });
        assertTrue(Json.MAPPER.readTree(get(url + "/tenants/acct-k/verify").body()).path("valid").asBoolean());
      }
      // once closed, the sign-up is not called again at the next start: a later purchase's approval, whose reads
      // and call follow the restored jobs in the outbox, lands while acct-s sees no call
      google.approvedAccount("acct-n");
      google.entitlement("ent-n", "acct-n", "professional");
      int third = google.calls().size();
      try (NodeProcess node = NodeProcess.start(0, data, config)) {
        String url = ready(node);
        assertEquals(200, push(url, "n1", "ENTITLEMENT_CREATION_REQUESTED", "ent-n", "acct-n").statusCode());
        waiter.awaitAssert(WAIT, () -> {
          assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState("ent-n").path("state").asText());
          return null;
        });
        assertTrue(google.calls().subList(third, google.calls().size()).stream()
            .noneMatch(c -> c.path().contains("acct-s") || c.path().contains("ent-k")), "nothing repeated");
      }
    }
  }

  /** The node's URL once it listens and is ready (it answers 503 not_ready before). */
  private String ready(NodeProcess node) throws Exception {
    String url = "http://127.0.0.1:" + node.awaitPort();
    waiter.awaitAssert(WAIT, () -> {
      assertEquals(200, get(url + "/health").statusCode());
      return null;
    });
    return url;
  }

  /** The tenant's receipts as {@code type:state_to:action_type}, in chain order. */
  private List<String> steps(String url, String tenant) throws Exception {
    List<String> steps = new ArrayList<>();
    Json.MAPPER.readTree(get(url + "/tenants/" + tenant + "/receipts?limit=1000").body()).path("receipts")
        .forEach(r -> steps.add(r.path("type").asText() + ":" + r.path("state_to").asText() + ":"
            + r.path("action_type").asText("")));
    return steps;
  }

  private HttpResponse<String> push(String url, String id, String type) throws Exception {
    return push(url, id, type, "ent-k", "acct-k");
  }

  private HttpResponse<String> push(String url, String id, String type, String entitlementId, String accountId)
      throws Exception {
    String data = "{\"eventId\":\"" + id + "\",\"eventType\":\"" + type + "\",\"providerId\":\"" + PROVIDER
        + "\",\"entitlement\":{\"id\":\"" + entitlementId + "\"},\"account\":{\"id\":\"" + accountId + "\"}}";
    return send(HttpRequest.newBuilder(URI.create(url + "/marketplace")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestNode.envelope(id, data))));
  }

  private HttpResponse<String> signup(String url, String token) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url + "/signup"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("x-gcp-marketplace-token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8))));
  }

  private HttpResponse<String> get(String uri) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(uri)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
