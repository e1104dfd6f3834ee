package tai.autonomics.procurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/** The client against the stand-in over real HTTP: what is sent, tokens, retries, refusals, timeouts. */
class ProcurementClientTest {
  private static final String PROVIDER = "DEMO-provider";

  @TempDir
  Path dir;
  private ProcurementStandIn google;
  private Path credentials;
  private ProcurementClient client;

  @BeforeEach
  void start() throws Exception {
    google = new ProcurementStandIn(PROVIDER);
    credentials = google.writeCredentials(dir);
    google.entitlement("ent-1", "acct-1", "standard");
    google.account("acct-1");
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    google.close();
  }

  private ProcurementClient client(String overrides) {
    Config config = ConfigFactory.parseString("autonomics.procurement { enabled = on, provider-id = " + PROVIDER
            + ", base-url = \"" + google.baseUrl() + "\", credentials-file = \"" + credentials + "\""
            + ", backoff-min = 50ms, backoff-max = 200ms, request-timeout = 2s, max-attempts = 4 }\n" + overrides)
        .withFallback(ConfigFactory.load());
    client = ProcurementClient.create(ProcurementSettings.create(config));
    return client;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Google's strings go into receipts, which PostgreSQL must hold: a NUL is never kept as one. */
  @Test
  void aNulInWhatGoogleSaysIsReplaced() throws Exception {
    ProcurementEntitlement read = ProcurementEntitlement.of(Json.MAPPER.readTree(
        "{\"name\":\"providers/p/entitlements/e1\",\"plan\":\"pro\\u0000x\"}"));
    assertEquals("pro\uFFFDx", read.plan());
    assertEquals("e1", read.id());
  }

  @Test
  void everyMethodIsSentWithGooglesPathVerbAndBody() throws Exception {
    ProcurementClient procurement = client("");
    var got = await(procurement.getEntitlement("ent-1"));
    ProcurementEntitlement entitlement = ((ProcurementResult.Ok<ProcurementEntitlement>) got).value();
    assertEquals("ent-1", entitlement.id());
    assertEquals("acct-1", entitlement.accountId());
    assertEquals("standard", entitlement.plan());
    assertEquals("usage-ent-1", entitlement.usageReportingId());
    assertEquals("2027-12-01T10:00:00Z", entitlement.offerEndTime());
    assertTrue(await(procurement.approveEntitlement("ent-1")).ok());
    assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState("ent-1").path("state").asText());
    google.pendingPlan("ent-1", "premium");
    assertTrue(await(procurement.approvePlanChange("ent-1", "premium")).ok());
    assertEquals("premium", google.entitlementState("ent-1").path("plan").asText());
    google.pendingPlan("ent-1", "enterprise");
    assertTrue(await(procurement.rejectPlanChange("ent-1", "enterprise", "no such SKU")).ok());
    google.entitlement("ent-2", "acct-1", "unknown");
    assertTrue(await(procurement.rejectEntitlement("ent-2", "the plan maps to no SKU")).ok());
    ProcurementAccount account =
        ((ProcurementResult.Ok<ProcurementAccount>) await(procurement.getAccount("acct-1"))).value();
    assertEquals("acct-1", account.id());
    assertEquals("ACCOUNT_ACTIVATION_REQUESTED", account.state());
    assertTrue(await(procurement.approveAccount("acct-1", "signup", "signed up")).ok());
    google.account("acct-2");
    assertTrue(await(procurement.rejectAccount("acct-2", "signup", "not allowed")).ok());
    assertTrue(((ProcurementResult.Ok<ProcurementAccount>) await(procurement.getAccount("acct-1"))).value()
        .approved("signup"));

    String base = "/v1/providers/" + PROVIDER;
    assertEquals(List.of("GET " + base + "/entitlements/ent-1", "POST " + base + "/entitlements/ent-1:approve",
        "POST " + base + "/entitlements/ent-1:approvePlanChange",
        "POST " + base + "/entitlements/ent-1:rejectPlanChange", "POST " + base + "/entitlements/ent-2:reject",
        "GET " + base + "/accounts/acct-1", "POST " + base + "/accounts/acct-1:approve",
        "POST " + base + "/accounts/acct-2:reject", "GET " + base + "/accounts/acct-1"),
        ProcurementStandIn.paths(google.calls()));
    List<ProcurementStandIn.Call> calls = google.calls();
    assertEquals(Json.MAPPER.readTree("{}"), calls.get(1).body());
    assertEquals(Json.MAPPER.readTree("{\"pendingPlanName\":\"premium\"}"), calls.get(2).body());
    assertEquals(Json.MAPPER.readTree("{\"pendingPlanName\":\"enterprise\",\"reason\":\"no such SKU\"}"),
        calls.get(3).body());
    assertEquals(Json.MAPPER.readTree("{\"reason\":\"the plan maps to no SKU\"}"), calls.get(4).body());
    assertEquals(Json.MAPPER.readTree("{\"approvalName\":\"signup\",\"reason\":\"signed up\"}"),
        calls.get(6).body());
    assertEquals(Json.MAPPER.readTree("{\"approvalName\":\"signup\",\"reason\":\"not allowed\"}"),
        calls.get(7).body());
    assertTrue(calls.stream().allMatch(c -> c.authorization().equals("Bearer stand-in-token-1")));
    assertEquals(1, google.tokenRequests().size(), "a fresh token is reused");
  }

  @Test
  void aTokenNearItsExpiryIsRefreshed() throws Exception {
    google.tokenLifetime(60); // inside google-auth-library's refresh margin: every call needs a new one
    ProcurementClient procurement = client("");
    assertTrue(await(procurement.getAccount("acct-1")).ok());
    assertTrue(await(procurement.getAccount("acct-1")).ok());
    assertEquals(2, google.tokenRequests().size());
    List<ProcurementStandIn.Call> calls = google.calls();
    assertNotEquals(calls.get(0).authorization(), calls.get(1).authorization());
    assertEquals(ProcurementStandIn.EMAIL, google.tokenRequests().get(0).getIssuer());
  }

  @Test
  void aTokenGoogleNoLongerTakesIsRefreshedAndTheCallRepeated() throws Exception {
    ProcurementClient procurement = client("");
    assertTrue(await(procurement.getAccount("acct-1")).ok());
    google.revokeTokens();
    var result = await(procurement.getAccount("acct-1"));
    assertEquals(2, ((ProcurementResult.Ok<?>) result).attempts());
    assertEquals(2, google.tokenRequests().size());
  }

  @Test
  void unavailableTwiceThenSuccessIsRetriedWithBackoff() throws Exception {
    google.failNext(2, 503, "UNAVAILABLE", "The service is currently unavailable.");
    var result = await(client("").approveEntitlement("ent-1"));
    assertEquals(3, ((ProcurementResult.Ok<?>) result).attempts());
    List<ProcurementStandIn.Call> calls = google.calls();
    assertEquals(3, calls.size());
    // the first wait is at least half of backoff-min (50 ms), the second half of twice that
    assertTrue(Duration.between(calls.get(0).at(), calls.get(1).at()).toMillis() >= 25);
    assertTrue(Duration.between(calls.get(1).at(), calls.get(2).at()).toMillis() >= 50);
    assertEquals("ENTITLEMENT_ACTIVE", google.entitlementState("ent-1").path("state").asText());
  }

  @Test
  void tooManyRequestsIsRetried() throws Exception {
    google.failNext(1, 429, "RESOURCE_EXHAUSTED", "Quota exceeded.");
    var result = await(client("").getEntitlement("ent-1"));
    assertEquals(2, ((ProcurementResult.Ok<?>) result).attempts());
  }

  @Test
  void aBadRequestIsNotRetriedAndCarriesGooglesError() throws Exception {
    google.failNext(1, 400, "INVALID_ARGUMENT", "Invalid pendingPlanName.");
    var result = await(client("").approvePlanChange("ent-1", "premium"));
    ProcurementResult.Failed<?> failed = assertInstanceOf(ProcurementResult.Failed.class, result);
    assertEquals(400, failed.httpStatus());
    assertEquals("INVALID_ARGUMENT", failed.status());
    assertEquals("Invalid pendingPlanName.", failed.message());
    assertEquals(1, google.calls().size());
  }

  @Test
  void aStateGoogleDoesNotAllowIsAFailedPrecondition() throws Exception {
    ProcurementClient procurement = client("");
    var result = await(procurement.approvePlanChange("ent-1", "premium"));
    assertEquals("FAILED_PRECONDITION", assertInstanceOf(ProcurementResult.Failed.class, result).status());
  }

  @Test
  void attemptsAreBounded() throws Exception {
    google.failNext(10, 500, "INTERNAL", "Internal error encountered.");
    var result = await(client("autonomics.procurement.max-attempts = 3").approveAccount("acct-1", "signup", null));
    ProcurementResult.Exhausted<?> exhausted = assertInstanceOf(ProcurementResult.Exhausted.class, result);
    assertEquals(3, exhausted.attempts());
    assertEquals("HTTP 500 INTERNAL: Internal error encountered.", exhausted.lastError());
    assertEquals(3, google.calls().size());
  }

  @Test
  void aCallThatDoesNotAnswerInTimeIsATimeout() throws Exception {
    google.holdCalls();
    var result = await(client("autonomics.procurement { request-timeout = 300ms, max-attempts = 2 }")
        .getEntitlement("ent-1"));
    ProcurementResult.Exhausted<?> exhausted = assertInstanceOf(ProcurementResult.Exhausted.class, result);
    assertEquals(2, exhausted.attempts());
    assertTrue(exhausted.lastError().startsWith("timeout"), exhausted.lastError());
    google.release();
  }

  @Test
  void anIdThatIsNoPathSegmentIsRefusedWithoutACall() throws Exception {
    var result = await(client("").approveEntitlement("../accounts/acct-1"));
    assertEquals(0, assertInstanceOf(ProcurementResult.Failed.class, result).httpStatus());
    assertEquals(0, google.calls().size());
  }

  @Test
  void callsBeyondTheInFlightBoundAreAnsweredAtOnce() throws Exception {
    google.holdCalls();
    ProcurementClient procurement = client("autonomics.procurement.max-in-flight = 1");
    CompletionStage<?> first = procurement.getEntitlement("ent-1");
    var second = await(procurement.getEntitlement("ent-1"));
    assertEquals(0, assertInstanceOf(ProcurementResult.Exhausted.class, second).attempts());
    google.release();
    assertTrue(((ProcurementResult<?>) await(first)).ok());
  }
}
