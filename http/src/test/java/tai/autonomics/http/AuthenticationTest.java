package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tai.autonomics.http.TestNode.envelope;
import static tai.autonomics.http.TestNode.signal;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push authentication on /pubsub, Marketplace JWTs on /marketplace and the read token, with keys generated here:
 * valid tokens pass; expired, too old, wrong audience / issuer / email, unverified email, unknown key id, bad
 * signature, alg none, other algorithms and claims naming other ids than the body are 401.
 */
class AuthenticationTest {
  private static final String AUDIENCE = "https://node.example.com/pubsub";
  private static final String MARKET_AUDIENCE = "https://node.example.com/marketplace";
  private static final String EMAIL = "pusher@project.iam.gserviceaccount.com";
  private static final String ISSUER = "https://accounts.google.com";
  private static final String MARKET_ISSUER = "https://marketplace.example.com";
  private static final AtomicInteger ids = new AtomicInteger();

  @TempDir
  static Path dir;
  private static RSAKey key;
  private static RSAKey stranger;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    node = TestNode.start("""
        autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
        autonomics.http.read-token = "s3cret"
        autonomics.http.push-auth {
          enabled = on
          jwks-file = "%1$s"
          audience = "%2$s"
          marketplace-audience = "%5$s"
          service-account-email = "%3$s"
        }
        autonomics.http.marketplace-auth {
          enabled = on
          jwks-file = "%1$s"
          issuers = ["%4$s"]
          audience = "tai-autonomics"
        }
        """.formatted(jwks.toString().replace("\\", "/"), AUDIENCE, EMAIL, MARKET_ISSUER, MARKET_AUDIENCE));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JWTClaimsSet.Builder pushClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).claim("email", EMAIL)
        .claim("email_verified", true).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
        .subject("1234");
  }

  private static JWTClaimsSet.Builder marketClaims(String tenant, String entitlement) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(MARKET_ISSUER).audience("tai-autonomics").claim("tenant_id", tenant)
        .claim("entitlement_id", entitlement).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
  }

  private static String sign(RSAKey with, String kid, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT)
        .build(), claims);
    jwt.sign(new RSASSASigner(with));
    return jwt.serialize();
  }

  private static String push(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    return sign(key, "k1", change.apply(pushClaims()).build());
  }

  private static HttpResponse<String> pushWith(String token) {
    String body = envelope("auth-" + ids.incrementAndGet(), signal("tenant-001", "cpu", "10"));
    return token == null ? node.post("/pubsub", body) : node.post("/pubsub", body, "Authorization", "Bearer " + token);
  }

  private static void assertUnauthorized(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response::body);
    assertEquals(true, response.body().contains("\"reason\":\"unauthorized\""), response::body);
  }

  @Test
  void aValidPushTokenIsAccepted() throws Exception {
    String token = push(c -> c);
    assertEquals(200, pushWith(token).statusCode());
    assertEquals(200, pushWith(token).statusCode(), "a remembered token is accepted again");
  }

  @Test
  void aMissingOrMalformedPushTokenIs401() {
    assertUnauthorized(pushWith(null));
    assertUnauthorized(pushWith("not.a.jwt"));
    assertUnauthorized(node.post("/pubsub", envelope("x", signal("tenant-001", "cpu", "1")), "Authorization",
        "Basic dXNlcjpwYXNz"));
  }

  @Test
  void expiredAndTooOldPushTokensAre401() throws Exception {
    Instant now = Instant.now();
    assertUnauthorized(pushWith(push(c -> c.issueTime(Date.from(now.minusSeconds(3000)))
        .expirationTime(Date.from(now.minusSeconds(600))))));
    assertUnauthorized(pushWith(push(c -> c.issueTime(Date.from(now.minusSeconds(7200)))
        .expirationTime(Date.from(now.plusSeconds(3600))))));
    assertUnauthorized(pushWith(push(c -> c.expirationTime(null))));
  }

  @Test
  void wrongAudienceIssuerOrEmailIs401() throws Exception {
    assertUnauthorized(pushWith(push(c -> c.audience("https://elsewhere.example.com"))));
    assertUnauthorized(pushWith(push(c -> c.issuer("https://evil.example.com"))));
    assertUnauthorized(pushWith(push(c -> c.claim("email", "other@project.iam.gserviceaccount.com"))));
    assertUnauthorized(pushWith(push(c -> c.claim("email_verified", false))));
  }

  @Test
  void unknownKeyBadSignatureAndAlgNoneAre401() throws Exception {
    assertUnauthorized(pushWith(sign(key, "k2", pushClaims().build())));
    assertUnauthorized(pushWith(sign(stranger, "k1", pushClaims().build())));
    String valid = push(c -> c);
    String[] parts = valid.split("\\.");
    String tampered = parts[0] + "." + Base64URL.encode(pushClaims().claim("email", "x@y").build().toString())
        + "." + parts[2];
    assertUnauthorized(pushWith(tampered));
    assertUnauthorized(pushWith(new PlainJWT(pushClaims().build()).serialize()));
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), pushClaims().build());
    hs.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));
    assertUnauthorized(pushWith(hs.serialize()));
  }

  @Test
  void aMarketplaceTokenMustMatchTheBody() throws Exception {
    String body = "{\"tenant_id\":\"m1\",\"entitlement_id\":\"ent-m1\",\"action\":\"grant\"}";
    assertUnauthorized(node.post("/marketplace", body));
    assertUnauthorized(node.post("/marketplace", body, "Authorization",
        "Bearer " + sign(key, "k1", marketClaims("m2", "ent-m1").build())));
    assertUnauthorized(node.post("/marketplace", body, "Authorization",
        "Bearer " + sign(key, "k1", marketClaims("m1", "ent-other").build())));
    assertUnauthorized(node.post("/marketplace", body, "Authorization",
        "Bearer " + sign(key, "k1", marketClaims("m1", "ent-m1").issuer("https://evil.example.com").build())));
    assertUnauthorized(node.post("/marketplace", body, "Authorization",
        "Bearer " + sign(stranger, "k1", marketClaims("m1", "ent-m1").build())));
    HttpResponse<String> ok = node.post("/marketplace", body, "Authorization",
        "Bearer " + sign(key, "k1", marketClaims("m1", "ent-m1").build()));
    assertEquals(200, ok.statusCode(), ok::body);
    String signedInBody = "{\"tenant_id\":\"m3\",\"entitlement_id\":\"ent-m3\",\"action\":\"grant\",\"signature\":\""
        + sign(key, "k1", marketClaims("m3", "ent-m3").build()) + "\"}";
    assertEquals(200, node.post("/marketplace", signedInBody).statusCode());
  }

  @Test
  void aProcurementEnvelopeNeedsThePushTokenAndNoMarketplaceToken() throws Exception {
    String event = "{\"eventId\":\"pe-1\",\"eventType\":\"ENTITLEMENT_CREATION_REQUESTED\","
        + "\"entitlement\":{\"id\":\"ent-p\"},\"account\":{\"id\":\"acct-p\"}}";
    String pushToken = push(c -> c.audience(MARKET_AUDIENCE));
    String pubsubToken = push(c -> c);
    assertUnauthorized(node.post("/marketplace", envelope("pe-m1", event)));
    assertUnauthorized(node.post("/marketplace", envelope("pe-m0", event), "Authorization", "Bearer " + pubsubToken));
    assertUnauthorized(node.post("/marketplace", "{\"message\":{\"data\":\"%%%\"}}", "Authorization",
        "Bearer " + pubsubToken));
    // Google sends no Marketplace JWT with its events: the push token alone admits them
    HttpResponse<String> ok = node.post("/marketplace", envelope("pe-m3", event), "Authorization",
        "Bearer " + pushToken);
    assertEquals(200, ok.statusCode(), ok::body);
  }

  @Test
  void readRoutesRequireTheReadToken() {
    assertUnauthorized(node.get("/tenants/tenant-001/receipts"));
    assertUnauthorized(node.get("/tenants/tenant-001/receipts", "Authorization", "Bearer wrong"));
    assertUnauthorized(node.get("/metrics"));
    assertUnauthorized(node.get("/receipts/abc"));
    assertUnauthorized(node.get("/dead-letters"));
    assertUnauthorized(node.get("/dead-letters/verify", "Authorization", "Bearer wrong"));
    assertEquals(200, node.get("/dead-letters", "Authorization", "Bearer s3cret").statusCode());
    assertEquals(200, node.get("/tenants/tenant-001/receipts", "Authorization", "Bearer s3cret").statusCode());
    assertEquals(200, node.get("/tenants/tenant-001/verify", "Authorization", "Bearer s3cret").statusCode());
    assertEquals(200, node.get("/metrics", "Authorization", "Bearer s3cret").statusCode());
    assertEquals(200, node.get("/health").statusCode(), "health stays open for probes");
  }
}
