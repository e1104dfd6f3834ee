package tai.autonomics.procurement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tai.autonomics.Json;

/**
 * A stand-in for the Partner Procurement API on 127.0.0.1 (port 0), for tests. It serves only what Google's REST
 * reference documents: {@code GET} of an entitlement or account, {@code POST ...:approve|:reject|
 * :approvePlanChange|:rejectPlanChange} with their request bodies and Google's empty answer, errors in Google's
 * form {@code {"error":{"code":..,"message":..,"status":..}}}, and an OAuth2 token endpoint for the service-account
 * credentials file it writes (a fresh RSA key; it verifies the JWT-bearer assertion's signature, issuer, audience
 * and scope). Every call is recorded. It can be told to fail the next calls with a status, or to hold them.
 */
public final class ProcurementStandIn implements AutoCloseable {
  public static final String EMAIL = "procurement@stand-in.iam.gserviceaccount.com";
  private static final Pattern RESOURCE =
      Pattern.compile("/v1/providers/([^/]+)/(entitlements|accounts)/([^/:]+)(?::([A-Za-z]+))?");

  /** One request as it arrived. {@code body} is the JSON body (an empty object when there was none). */
  public record Call(String method, String path, JsonNode body, String authorization, Instant at) {}

  private record Fault(int status, String googleStatus, String message) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final KeyPair key;
  private final String provider;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<JWTClaimsSet> tokenRequests = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> entitlements = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> accounts = new ConcurrentHashMap<>();
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Map<String, Fault> pathFaults = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private volatile long tokenLifetimeSeconds = 3600;
  private volatile CountDownLatch hold = new CountDownLatch(0);

  public ProcurementStandIn(String provider) throws IOException {
    this.provider = provider;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.key = generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/token", this::onToken);
    server.createContext("/v1/", this::onApi);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Writes a service-account key file whose {@code token_uri} is this stand-in's token endpoint. */
  public Path writeCredentials(Path dir) throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    ObjectNode json = Json.MAPPER.createObjectNode()
        .put("type", "service_account").put("project_id", "stand-in").put("private_key_id", "stand-in-key")
        .put("private_key", pem).put("client_email", EMAIL).put("client_id", "1")
        .put("token_uri", baseUrl() + "/token");
    Path file = dir.resolve("service-account.json");
    Files.writeString(file, Json.MAPPER.writeValueAsString(json));
    return file;
  }

  /** Adds an entitlement in {@code ENTITLEMENT_ACTIVATION_REQUESTED} on {@code plan} for {@code accountId}. */
  public void entitlement(String id, String accountId, String plan) {
    entitlements.put(id, Json.MAPPER.createObjectNode()
        .put("name", "providers/" + provider + "/entitlements/" + id)
        .put("account", "providers/" + provider + "/accounts/" + accountId)
        .put("provider", provider).put("product", "tai-autonomics").put("productExternalName", "tai-autonomics")
        .put("plan", plan).put("state", "ENTITLEMENT_ACTIVATION_REQUESTED").put("usageReportingId", "usage-" + id)
        .put("createTime", "2026-12-01T10:00:00Z").put("updateTime", "2026-12-01T10:00:00Z")
        .put("offerEndTime", "2027-12-01T10:00:00Z"));
  }

  /** Sets an entitlement's offerEndTime (RFC 3339), the end of its offer's current term. */
  public void offerEnd(String id, String offerEndTime) {
    entitlements.get(id).put("offerEndTime", offerEndTime);
  }

  /** Sets the pending plan of an entitlement, as after a buyer's plan change request. */
  public void pendingPlan(String id, String plan) {
    entitlements.get(id).put("newPendingPlan", plan).put("state", "ENTITLEMENT_PENDING_PLAN_CHANGE_APPROVAL");
  }

  /** Adds an account in {@code ACCOUNT_ACTIVATION_REQUESTED} with a pending {@code signup} approval. */
  public void account(String id) {
    ObjectNode account = Json.MAPPER.createObjectNode()
        .put("name", "providers/" + provider + "/accounts/" + id).put("provider", provider)
        .put("state", "ACCOUNT_ACTIVATION_REQUESTED")
        .put("createTime", "2026-12-01T09:00:00Z").put("updateTime", "2026-12-01T09:00:00Z");
    account.putArray("approvals").addObject().put("name", "signup").put("state", "PENDING")
        .put("updateTime", "2026-12-01T09:00:00Z");
    accounts.put(id, account);
  }

  /** The account's {@code signup} approval granted, as after a sign-up. */
  public void approvedAccount(String id) {
    account(id);
    ObjectNode account = accounts.get(id);
    account.put("state", "ACCOUNT_ACTIVE");
    ((ObjectNode) account.path("approvals").get(0)).put("state", "APPROVED");
  }

  /** Sets an entitlement's state, e.g. {@code ENTITLEMENT_ACTIVE} as if an approval had landed before a crash. */
  public void entitlementState(String id, String state) {
    entitlements.get(id).put("state", state);
  }

  /** Every call whose path ends with {@code suffix} (e.g. {@code ":approve"}) answers {@code status} until cleared. */
  public void failPath(String suffix, int status, String googleStatus) {
    pathFaults.put(suffix, new Fault(status, googleStatus, "failing " + suffix));
  }

  /** The faults still queued ({@link #failNext}, {@link #failPath}) are dropped: Google is back. */
  public void clearFaults() {
    faults.clear();
    pathFaults.clear();
  }

  public JsonNode entitlementState(String id) {
    return entitlements.get(id).deepCopy();
  }

  public JsonNode accountState(String id) {
    return accounts.get(id).deepCopy();
  }

  /** The next {@code count} API calls answer {@code status} in Google's error form. */
  public void failNext(int count, int status, String googleStatus, String message) {
    for (int i = 0; i < count; i++) {
      faults.add(new Fault(status, googleStatus, message));
    }
  }

  /** API calls wait (without answering) until {@link #release} or close. */
  public void holdCalls() {
    hold = new CountDownLatch(1);
  }

  public void release() {
    hold.countDown();
  }

  /** Access tokens issued from now on live this long. */
  public void tokenLifetime(long seconds) {
    tokenLifetimeSeconds = seconds;
  }

  /** Every access token issued so far stops being accepted (the next API call answers 401). */
  public void revokeTokens() {
    tokens.clear();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many API calls were answered (or dropped): equal to {@code calls().size()} when none is in flight. */
  public int answered() {
    return answered.get();
  }

  /** The verified claims of every token request's assertion. */
  public List<JWTClaimsSet> tokenRequests() {
    return List.copyOf(tokenRequests);
  }

  @Override
  public void close() {
    hold.countDown();
    server.stop(0);
    threads.shutdownNow();
  }

  private void onToken(HttpExchange exchange) throws IOException {
    Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    try {
      if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
        throw new IllegalArgumentException("unsupported grant_type " + form.get("grant_type"));
      }
      SignedJWT assertion = SignedJWT.parse(form.get("assertion"));
      if (!assertion.verify(new RSASSAVerifier((RSAPublicKey) key.getPublic()))) {
        throw new IllegalArgumentException("the assertion's signature does not verify");
      }
      JWTClaimsSet claims = assertion.getJWTClaimsSet();
      if (!EMAIL.equals(claims.getIssuer()) || !audienceOk(claims)
          || !String.valueOf(claims.getClaim("scope")).contains(ProcurementClient.SCOPE)
          || claims.getExpirationTime().toInstant().isBefore(Instant.now())) {
        throw new IllegalArgumentException("the assertion's iss, aud, scope or exp is wrong: " + claims);
      }
      tokenRequests.add(claims);
    } catch (Exception e) {
      send(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"" + e.getMessage()
          .replace("\"", "'") + "\"}");
      return;
    }
    String token = "stand-in-token-" + issued.incrementAndGet();
    tokens.put(token, Instant.now().plusSeconds(tokenLifetimeSeconds));
    send(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
        + tokenLifetimeSeconds + "}");
  }

  /** google-auth-library addresses the assertion to Google's token endpoint whatever the key's token_uri says. */
  private boolean audienceOk(JWTClaimsSet claims) {
    return claims.getAudience().contains("https://oauth2.googleapis.com/token")
        || claims.getAudience().contains(baseUrl() + "/token");
  }

  private void onApi(HttpExchange exchange) throws IOException {
    try {
      answerApi(exchange);
    } finally {
      answered.incrementAndGet();
    }
  }

  private void answerApi(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    JsonNode body = raw.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(raw);
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    calls.add(new Call(method, path, body, authorization, Instant.now()));
    try {
      hold.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Instant expiry = authorization == null ? null : tokens.get(authorization.replaceFirst("^Bearer ", ""));
    if (expiry == null || expiry.isBefore(Instant.now())) {
      error(exchange, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      return;
    }
    Fault byPath = pathFaults.entrySet().stream().filter(e -> path.endsWith(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse(null);
    if (byPath != null || !faults.isEmpty()) {
      Fault fault = byPath != null ? byPath : faults.remove(0);
      error(exchange, fault.status(), fault.googleStatus(), fault.message());
      return;
    }
    Matcher m = RESOURCE.matcher(path);
    if (!m.matches() || !m.group(1).equals(provider)) {
      error(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
      return;
    }
    Map<String, ObjectNode> resources = m.group(2).equals("entitlements") ? entitlements : accounts;
    ObjectNode resource = resources.get(m.group(3));
    String verb = m.group(4);
    if (resource == null) {
      error(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
    } else if (verb == null && method.equals("GET")) {
      send(exchange, 200, Json.MAPPER.writeValueAsString(resource));
    } else if (verb != null && method.equals("POST")) {
      String problem = m.group(2).equals("entitlements") ? applyToEntitlement(resource, verb, body)
          : applyToAccount(resource, verb, body);
      if (problem == null) {
        send(exchange, 200, "{}");
      } else {
        error(exchange, 400, problem.startsWith("state") ? "FAILED_PRECONDITION" : "INVALID_ARGUMENT", problem);
      }
    } else {
      error(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
    }
  }

  /** Google's effect of each entitlement method, or what is wrong with the request. */
  private static String applyToEntitlement(ObjectNode entitlement, String verb, JsonNode body) {
    String state = entitlement.path("state").asText();
    switch (verb) {
      case "approve", "reject" -> {
        // approving again is harmless: Google's approve is idempotent for an entitlement it has activated
        if (verb.equals("approve") && state.equals("ENTITLEMENT_ACTIVE")) {
          return null;
        }
        if (!state.equals("ENTITLEMENT_ACTIVATION_REQUESTED")) {
          return "state " + state + " does not allow " + verb;
        }
        entitlement.put("state", verb.equals("approve") ? "ENTITLEMENT_ACTIVE" : "ENTITLEMENT_CANCELLED");
        return null;
      }
      case "approvePlanChange", "rejectPlanChange" -> {
        if (!state.equals("ENTITLEMENT_PENDING_PLAN_CHANGE_APPROVAL")) {
          return "state " + state + " does not allow " + verb;
        }
        if (!body.path("pendingPlanName").asText().equals(entitlement.path("newPendingPlan").asText())) {
          return "pendingPlanName does not match the pending plan";
        }
        if (verb.equals("approvePlanChange")) {
          entitlement.put("plan", entitlement.path("newPendingPlan").asText());
        }
        entitlement.remove("newPendingPlan");
        entitlement.put("state", "ENTITLEMENT_ACTIVE");
        return null;
      }
      default -> {
        return "unknown method " + verb;
      }
    }
  }

  private static String applyToAccount(ObjectNode account, String verb, JsonNode body) {
    if (!verb.equals("approve") && !verb.equals("reject")) {
      return "unknown method " + verb;
    }
    String name = body.path("approvalName").asText("signup");
    for (JsonNode approval : account.path("approvals")) {
      if (approval.path("name").asText().equals(name)) {
        ((ObjectNode) approval).put("state", verb.equals("approve") ? "APPROVED" : "REJECTED")
            .put("reason", body.path("reason").asText(""));
        if (verb.equals("approve")) {
          account.put("state", "ACCOUNT_ACTIVE");
        }
        return null;
      }
    }
    return "no approval named " + name;
  }

  private static void error(HttpExchange exchange, int status, String googleStatus, String message)
      throws IOException {
    ObjectNode error = Json.MAPPER.createObjectNode();
    error.putObject("error").put("code", status).put("message", message).put("status", googleStatus);
    send(exchange, status, Json.MAPPER.writeValueAsString(error));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  static List<String> paths(List<Call> calls) {
    List<String> paths = new ArrayList<>();
    calls.forEach(c -> paths.add(c.method() + " " + c.path()));
    return paths;
  }
}
