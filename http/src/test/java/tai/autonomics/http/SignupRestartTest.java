package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.procurement.ProcurementStandIn;

/**
 * A sign-up whose approval had not got through to Google when the node stopped is approved after the restart, over
 * real HTTP and RocksDB, on the same data directory (docs/OPERATIONS.md, Sign-up flow): also when an account event
 * of its entitlement-less tenant was recorded after the link (which once took the link's place in the ledger's
 * index), and for every account signed up. Meanwhile {@code GET /tenants/{id}} shows each as a pending sign-up, stuck
 * once a round failed; once approved it is no longer pending.
 */
class SignupRestartTest {
  private static final String PROVIDER = "DEMO-provider";
  private static final String[] ACCOUNTS = {"acct-r1", "acct-r2"};
  /** Accounts whose entitlements serve one tenant: their sign-ups link to it, two pending in one chain. */
  private static final String[] SHARED = {"acct-s1", "acct-s2"};
  private static final ActorTestKit testKit = ActorTestKit.create();
  private final TestProbe<Void> waiter = testKit.createTestProbe();

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everySignUpNotClosedIsApprovedAfterARestartDespiteLaterAccountEvents() throws Exception {
    try (ProcurementStandIn google = new ProcurementStandIn(PROVIDER)) {
      TestKeys.Key key = TestKeys.generate(dir, "google");
      Path certs = Files.writeString(dir.resolve("certs.json"),
          Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("k1", key.certificatePem())));
      String config = config(google, google.writeCredentials(dir), certs);
      for (String account : concat(ACCOUNTS, SHARED)) {
        google.account(account);
        google.failPath(account + ":approve", 503, "UNAVAILABLE");
      }
      try (TestNode node = start(config)) {
        int event = 0;
        for (String account : ACCOUNTS) {
          HttpResponse<String> page = signup(node, key.privateKey(), account);
          assertEquals(200, page.statusCode(), page.body());
          awaitPendingStuck(node, account, account);
          // an account event of the entitlement-less tenant, recorded after the link
          String data = "{\"eventId\":\"acc-" + event++ + "\",\"eventType\":\"ACCOUNT_CREATION_REQUESTED\","
              + "\"providerId\":\"" + PROVIDER + "\",\"account\":{\"id\":\"" + account + "\"}}";
          JsonNode recorded = json(node.post("/marketplace", TestNode.envelope("m-" + event, data)));
          assertEquals("entitlement", recorded.path("type").asText(), recorded::toString);
          assertEquals(account, recorded.path("tenant_id").asText());
        }
        for (String account : SHARED) {
          String grant = "{\"tenant_id\":\"shared\",\"entitlement_id\":\"ent-" + account + "\",\"action\":\"grant\","
              + "\"customer_id\":\"" + account + "\"}";
          assertEquals(200, node.post("/marketplace", grant).statusCode());
          assertEquals(200, signup(node, key.privateKey(), account).statusCode());
        }
        awaitPendingStuck(node, "shared", SHARED);
      }
      google.clearFaults();
      try (TestNode node = start(config)) {
        for (String account : concat(ACCOUNTS, SHARED)) {
          String tenant = List.of(SHARED).contains(account) ? "shared" : account;
          waiter.awaitAssert(Duration.ofSeconds(20), () -> {
            assertEquals("APPROVED", google.accountState(account).path("approvals").get(0).path("state").asText());
            assertTrue(steps(node, tenant).contains("entitlement:approved:" + account), steps(node, tenant)::toString);
            assertEquals(0, tenant(node, tenant).path("pending_sign_ups").size(), "no longer pending");
            return null;
          });
        }
      }
    }
  }

  /** The sign-ups show on the tenant's view while Google refuses them, stuck once a round of attempts failed. */
  private void awaitPendingStuck(TestNode node, String tenant, String... accounts) {
    waiter.awaitAssert(Duration.ofSeconds(20), () -> {
      JsonNode pending = tenant(node, tenant).path("pending_sign_ups");
      assertEquals(accounts.length, pending.size(), pending::toString);
      for (int i = 0; i < accounts.length; i++) {
        JsonNode signUp = pending.get(i);
        assertEquals(accounts[i], signUp.path("account_id").asText());
        assertEquals("call", signUp.path("step").asText());
        assertEquals("accounts.approve", signUp.path("call").asText());
        assertTrue(signUp.path("failed_rounds").asInt() >= 1, signUp::toString);
        assertTrue(signUp.path("stuck").asBoolean(), signUp::toString);
        assertTrue(signUp.path("since").asLong() > 0);
      }
      return null;
    });
  }

  private static List<String> concat(String[] first, String[] second) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(second));
    return all;
  }

  private static JsonNode tenant(TestNode node, String tenant) {
    HttpResponse<String> view = node.get("/tenants/" + tenant);
    assertEquals(200, view.statusCode(), view::body);
    return json(view);
  }

  private static List<String> steps(TestNode node, String tenant) {
    List<String> steps = new ArrayList<>();
    json(node.get("/tenants/" + tenant + "/receipts?limit=1000")).path("receipts").forEach(r ->
        steps.add(r.path("type").asText() + ":" + r.path("state_to").asText() + ":" + r.path("customer_id").asText()));
    return steps;
  }

  private String config(ProcurementStandIn google, Path credentials, Path certs) {
    Path data = dir.resolve("node");
    return "autonomics.procurement { enabled = on, provider-id = " + PROVIDER + ", base-url = \"" + google.baseUrl()
        + "\", credentials-file = \"" + credentials + "\", max-attempts = 2, backoff-min = 10ms, backoff-max = 20ms }\n"
        + "autonomics.entitlements.marketplace { retry-min = 50ms, retry-max = 200ms }\n"
        + "autonomics.http.signup { enabled = on, partner-domain = \"" + SignupTest.DOMAIN + "\", certs-file = \""
        + certs + "\" }\n"
        + "autonomics.ledger.data-dir = \"" + data.toString().replace("\\", "/") + "\"\n";
  }

  private TestNode start(String config) {
    return TestNode.startRocks(config, dir.resolve("node").resolve("ledger"));
  }

  private static HttpResponse<String> signup(TestNode node, PrivateKey key, String account) throws Exception {
    String form = "x-gcp-marketplace-token=" + URLEncoder.encode(
        SignupTest.token("k1", key, SignupTest.claims(account)), StandardCharsets.UTF_8);
    return node.send(HttpRequest.newBuilder(node.uri("/signup")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }
}
