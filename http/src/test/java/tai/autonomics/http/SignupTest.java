package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.ConfigFactory;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.procurement.ProcurementStandIn;

/**
 * POST /signup over real HTTP against the Procurement API stand-in: Google's sign-up JWT verified as its
 * frontend-integration guide says, each bad token with its 401 reason; a good one answered once its approval is a
 * durable outbox job, the account approved by the outbox (later, when Google is down; once, when Google refuses),
 * and its entitlement waiting for that approval then approved.
 */
class SignupTest {
  static final String DOMAIN = "tai.example.com";
  private static final String PROVIDER = "DEMO-provider";

  @TempDir
  static Path dir;
  private static ProcurementStandIn google;
  private static TestNode node;
  private static PrivateKey googleKey;
  private static PrivateKey otherKey;
  private static final ActorTestKit testKit = ActorTestKit.create();
  private final TestProbe<Void> waiter = testKit.createTestProbe();

  @BeforeAll
  static void start() throws Exception {
    google = new ProcurementStandIn(PROVIDER);
    Path credentials = google.writeCredentials(dir);
    TestKeys.Key google1 = TestKeys.generate(dir, "google");
    googleKey = google1.privateKey();
    otherKey = TestKeys.generate(dir, "other").privateKey();
    String pem = google1.certificatePem();
    Path certs = Files.writeString(dir.resolve("certs.json"),
        Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("k1", pem)));
    node = TestNode.start("autonomics.procurement { enabled = on, provider-id = " + PROVIDER + ", base-url = \""
        + google.baseUrl() + "\", credentials-file = \"" + credentials + "\", max-attempts = 2, backoff-min = 10ms"
        + ", backoff-max = 20ms }\nautonomics.entitlements.marketplace { retry-min = 50ms, retry-max = 200ms }\n"
        + "autonomics.http.signup { enabled = on, partner-domain = \"" + DOMAIN
        + "\", certs-file = \"" + certs + "\" }");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    google.close();
    testKit.shutdownTestKit();
  }

  @Test
  void aValidTokenApprovesTheAccountAndAnswersAPage() throws Exception {
    google.account("acct-valid");
    HttpResponse<String> response = signup(token("k1", googleKey, claims("acct-valid")));
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(response.body().contains("acct-valid"));
    assertFalse(response.body().contains("<script"));
    awaitSteps("acct-valid", "entitlement:approving", "procurement_call:done", "entitlement:approved");
    ProcurementStandIn.Call call = google.calls().stream()
        .filter(c -> c.path().endsWith("/accounts/acct-valid:approve")).findFirst().orElseThrow();
    assertEquals("POST", call.method());
    assertEquals("/v1/providers/" + PROVIDER + "/accounts/acct-valid:approve", call.path());
    assertEquals("signup", call.body().path("approvalName").asText());
    assertEquals("APPROVED", google.accountState("acct-valid").path("approvals").get(0).path("state").asText());
  }

  @Test
  void aSignUpReleasesTheEntitlementThatWaitedForTheAccount() throws Exception {
    google.account("acct-wait");
    google.entitlement("ent-wait", "acct-wait", "professional");
    String data = "{\"eventId\":\"w1\",\"eventType\":\"ENTITLEMENT_CREATION_REQUESTED\",\"providerId\":\""
        + PROVIDER + "\",\"entitlement\":{\"id\":\"ent-wait\"},\"account\":{\"id\":\"acct-wait\"}}";
    assertEquals(200, node.post("/marketplace", TestNode.envelope("w1", data)).statusCode());
    awaitSteps("acct-wait", "procurement_call:awaiting_account");
    assertEquals(200, signup(token("k1", googleKey, claims("acct-wait"))).statusCode());
    waiter.awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState("ent-wait").path("state").asText());
      return null;
    });
  }

  @Test
  void badTokensAreRefusedWithTheirReasonAndNoCall() throws Exception {
    Instant now = Instant.now();
    assertRefused(401, "expired_token", token("k1", googleKey, claims("acct-x")
        .expirationTime(Date.from(now.minusSeconds(600))).issueTime(Date.from(now.minusSeconds(900))).build()));
    assertRefused(401, "wrong_audience", token("k1", googleKey, claims("acct-x").audience("evil.example").build()));
    assertRefused(401, "wrong_issuer", token("k1", googleKey, claims("acct-x")
        .issuer("https://accounts.google.com").build()));
    assertRefused(401, "bad_signature", token("k1", otherKey, claims("acct-x").build()));
    assertRefused(401, "unknown_key", token("k9", googleKey, claims("acct-x").build()));
    assertRefused(401, "unknown_key", token(null, googleKey, claims("acct-x").build()));
    String payload = Base64URL.encode(claims("acct-x").build().toString()).toString();
    assertRefused(401, "unsupported_algorithm", Base64URL.encode("{\"alg\":\"none\"}") + "." + payload + ".");
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
        claims("acct-x").build());
    hmac.sign(new MACSigner(new byte[32]));
    assertRefused(401, "unsupported_algorithm", hmac.serialize());
    assertRefused(401, "invalid_subject", token("k1", googleKey, claims("../x").build()));
    assertRefused(401, "malformed_token", "not-a-jwt");
    assertRefused(401, "missing_token", null);
    assertFalse(google.calls().stream().anyMatch(c -> c.path().contains("acct-x")), "no bad token reaches Google");
  }

  @Test
  void notAFormIsUnsupported() {
    HttpResponse<String> response = node.send(HttpRequest.newBuilder(node.uri("/signup"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertEquals(415, response.statusCode());
    assertEquals("unsupported_media_type", reason(response));
  }

  @Test
  void googleDownDelaysTheApprovalNotTheBuyer() throws Exception {
    google.account("acct-later");
    google.failNext(6, 503, "UNAVAILABLE", "The service is currently unavailable.");
    HttpResponse<String> answered = signup(token("k1", googleKey, claims("acct-later")));
    assertEquals(200, answered.statusCode(), answered.body());
    awaitSteps("acct-later", "procurement_call:call", "procurement_call:done", "entitlement:approved");
    assertEquals("ACCOUNT_ACTIVE", google.accountState("acct-later").path("state").asText());
  }

  @Test
  void anAccountGoogleDoesNotKnowIsRefusedOnceAndRecorded() throws Exception {
    HttpResponse<String> response = signup(token("k1", googleKey, claims("acct-unknown")));
    assertEquals(200, response.statusCode(), response.body());
    awaitSteps("acct-unknown", "entitlement:approving", "procurement_call:done", "entitlement:refused");
    assertTrue(receipts("acct-unknown").stream().anyMatch(r -> r.path("reason").asText()
        .startsWith("Google refused accounts.approve: HTTP 404 NOT_FOUND")));
    assertEquals(1, google.calls().stream().filter(c -> c.path().endsWith("acct-unknown:approve")).count());
  }

  /** Waits until the tenant's chain holds these {@code type:state_to} steps in this order (others may be between). */
  private void awaitSteps(String tenant, String... steps) {
    waiter.awaitAssert(Duration.ofSeconds(20), () -> {
      List<String> seen = receipts(tenant).stream()
          .map(r -> r.path("type").asText() + ":" + r.path("state_to").asText()).toList();
      int at = 0;
      for (String step : seen) {
        at += at < steps.length && step.equals(steps[at]) ? 1 : 0;
      }
      assertEquals(steps.length, at, seen.toString());
      return null;
    });
  }

  private List<JsonNode> receipts(String tenant) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    Json.MAPPER.readTree(node.get("/tenants/" + tenant + "/receipts?limit=1000").body()).path("receipts")
        .forEach(all::add);
    return all;
  }

  @Test
  void signUpNeedsTheProcurementClient() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignupSettings.create(
        ConfigFactory.parseString("autonomics.http.signup { enabled = on, partner-domain = x }")
            .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("autonomics.procurement.enabled"), e.getMessage());
    IllegalArgumentException domain = assertThrows(IllegalArgumentException.class, () -> SignupSettings.create(
        ConfigFactory.parseString("autonomics.http.signup.enabled = on").withFallback(ConfigFactory.load())));
    assertTrue(domain.getMessage().startsWith("autonomics.http.signup.partner-domain"), domain.getMessage());
  }

  private void assertRefused(int status, String reason, String token) {
    HttpResponse<String> response = signup(token);
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(reason, reason(response), response.body());
  }

  private static String reason(HttpResponse<String> response) {
    try {
      JsonNode body = Json.MAPPER.readTree(response.body());
      return body.path("reason").asText();
    } catch (Exception e) {
      return "not JSON: " + response.body();
    }
  }

  private HttpResponse<String> signup(String token) {
    String form = token == null ? "other=1"
        : "x-gcp-marketplace-token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    return node.send(HttpRequest.newBuilder(node.uri("/signup")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
  }

  /** The claims Google's guide shows: iss, iat, exp = iat + 5 minutes, aud, sub. */
  static JWTClaimsSet.Builder claims(String accountId) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(SignupSettings.ISSUER).audience(DOMAIN).subject(accountId)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
  }

  static String token(String keyId, PrivateKey key, JWTClaimsSet.Builder claims) throws Exception {
    return token(keyId, key, claims.build());
  }

  private static String token(String keyId, PrivateKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).type(JOSEObjectType.JWT)
        .build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
