package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tai.autonomics.http.TestNode.envelope;
import static tai.autonomics.http.TestNode.signal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.Json;

/** Every route and status code of docs/API.md, over real HTTP against a real node on 127.0.0.1. */
class ApiEndToEndTest {
  private static TestNode node;
  private static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() {
    // poison = reject: the 4xx answers of a plain HTTP API (PoisonPushTest covers the acknowledging default)
    node = TestNode.start("""
        autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
        autonomics.http.pubsub.poison = reject
        """);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  private static void assertRefusal(HttpResponse<String> response, int status, String reason) {
    assertRefusal(new RawAnswer(response.statusCode(), response.body()), status, reason);
  }

  private record RawAnswer(int status, String body) {}

  private static void assertRefusal(RawAnswer response, int status, String reason) {
    assertEquals(status, response.status(), response::body);
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
    assertEquals("refusal", body.path("type").asText(), response::body);
    assertEquals(reason, body.path("reason").asText(), response::body);
    assertTrue(body.has("detail"));
    assertFalse(response.body().contains("\tat "), "no stack trace in a body");
  }

  private static String messageId() {
    return "m-" + ids.incrementAndGet();
  }

  private static JsonNode pushSignal(String tenant, String value) {
    HttpResponse<String> response = node.post("/pubsub", envelope(messageId(), signal(tenant, "cpu", value)));
    assertEquals(200, response.statusCode(), response::body);
    return json(response);
  }

  private static JsonNode grant(String tenant, String entitlement) {
    HttpResponse<String> response = node.post("/marketplace", """
        {"tenant_id":"%s","entitlement_id":"%s","action":"grant","sku":"base"}""".formatted(tenant, entitlement));
    assertEquals(200, response.statusCode(), response::body);
    return json(response);
  }

  @Test
  void healthAnswersOk() {
    HttpResponse<String> response = node.get("/health");
    assertEquals(200, response.statusCode());
    assertEquals("ok", json(response).path("status").asText());
    for (String check : new String[] {"ledger", "executor", "governors"}) {
      assertEquals("ok", json(response).path("checks").path(check).path("status").asText(), check);
    }
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
  }

  @Test
  void aSignalIsDecidedAndItsReceiptReturned() {
    grant("acme", "ent-acme");
    JsonNode receipt = pushSignal("acme", "10");
    assertEquals("transition", receipt.path("type").asText());
    assertEquals("stable", receipt.path("state_to").asText());
    assertEquals(64, receipt.path("hash").asText().length());
    JsonNode warning = pushSignal("acme", "70.5");
    assertEquals("warning", warning.path("state_to").asText());
  }

  @Test
  void tenantIdMayComeFromTheAttributes() {
    grant("attr-tenant", "ent-attr");
    HttpResponse<String> response = node.post("/pubsub", envelope(messageId(),
        "{\"metric\":\"cpu\",\"value\":5}", "{\"tenant_id\":\"attr-tenant\"}"));
    assertEquals(200, response.statusCode(), response::body);
    assertEquals("attr-tenant", json(response).path("tenant_id").asText());
  }

  @Test
  void snakeCaseEnvelopeFieldsAreRead() {
    grant("snake", "ent-snake");
    String data = Base64.getEncoder().encodeToString(signal("snake", "cpu", "1").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> first = node.post("/pubsub", """
        {"message":{"data":"%s","message_id":"snake-1","publish_time":"2026-01-26T14:30:45Z"},
         "subscription":"s","deliveryAttempt":2}""".formatted(data));
    assertEquals(200, first.statusCode(), first::body);
    assertEquals("snake-1", json(first).path("message_id").asText());
  }

  @Test
  void aRepeatedMessageIdIsAnsweredWithTheOriginalReceipt() {
    grant("dedup", "ent-dedup");
    String push = envelope("dup-1", signal("dedup", "cpu", "20"));
    HttpResponse<String> first = node.post("/pubsub", push);
    HttpResponse<String> again = node.post("/pubsub", push);
    assertEquals(200, first.statusCode(), first::body);
    assertEquals(200, again.statusCode(), again::body);
    assertEquals(json(first).path("id").asText(), json(again).path("id").asText());
    assertEquals(1, node.get("/tenants/dedup/receipts").body().split("\"message_id\":\"dup-1\"").length - 1);
  }

  @Test
  void businessRefusalsAre200WithARefusalReceipt() {
    JsonNode unknown = pushSignal("never-granted", "10");
    assertEquals("refusal", unknown.path("type").asText());
    assertEquals("unknown_tenant", unknown.path("reason").asText());
    grant("badvalue", "ent-badvalue");
    JsonNode text = pushSignal("badvalue", "\"high\"");
    assertEquals("refusal", text.path("type").asText());
    assertEquals("invalid_signal", text.path("reason").asText());
    JsonNode missing = json(node.post("/pubsub", envelope(messageId(), "{\"tenant_id\":\"badvalue\",\"metric\":\"cpu\"}")));
    assertEquals("invalid_signal", missing.path("reason").asText());
  }

  @Test
  void malformedPushesAre400WithAStableReason() {
    assertRefusal(node.post("/pubsub", "{not json"), 400, "invalid_json");
    assertRefusal(node.post("/pubsub", "[1,2]"), 400, "invalid_json");
    assertRefusal(node.post("/pubsub", ""), 400, "invalid_json");
    assertRefusal(node.post("/pubsub", "{\"message\":\"x\"}"), 400, "invalid_envelope");
    assertRefusal(node.post("/pubsub", "{\"subscription\":\"s\"}"), 400, "invalid_envelope");
    assertRefusal(node.post("/pubsub", "{\"message\":{\"messageId\":\"1\"}}"), 400, "missing_data");
    assertRefusal(node.post("/pubsub", "{\"message\":{\"data\":\"%%%not base64\"}}"), 400, "decode_failed");
    assertRefusal(node.post("/pubsub", "{\"message\":{\"data\":42}}"), 400, "decode_failed");
    String notJson = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
    assertRefusal(node.post("/pubsub", "{\"message\":{\"data\":\"" + notJson + "\"}}"), 400, "invalid_json");
    assertRefusal(node.post("/pubsub", envelope(messageId(), "[1]")), 400, "invalid_signal");
    assertRefusal(node.post("/pubsub", envelope(messageId(), "{\"metric\":\"cpu\",\"value\":1}")), 400,
        "invalid_signal");
    assertRefusal(node.post("/pubsub", envelope(messageId(), "{\"tenant_id\":\"t\",\"value\":1}")), 400,
        "invalid_signal");
    assertRefusal(node.post("/pubsub", envelope(messageId(), signal("a", "cpu", "1"), "{\"tenant_id\":\"b\"}")),
        400, "invalid_signal");
  }

  @Test
  void bodiesAboveTheLimitsAre413() {
    byte[] big = new byte[17 * 1024 * 1024];
    Arrays.fill(big, (byte) 'A');
    byte[] pubsub = ("{\"message\":{\"data\":\"" + new String(big, StandardCharsets.US_ASCII) + "\"}}")
        .getBytes(StandardCharsets.US_ASCII);
    assertRefusal(postDeclaringBody("/pubsub", pubsub), 413, "payload_too_large");
    byte[] marketplace = ("{\"tenant_id\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertRefusal(postDeclaringBody("/marketplace", marketplace), 413, "payload_too_large");
    assertEquals(200, node.get("/health").statusCode(), "the node is still healthy");
  }

  /**
   * A request that declares a body above the limit, answered from its headers: the node answers 413 and closes
   * without reading the body, so a client still writing it (as java.net.http does) may see a broken pipe instead of
   * the answer, and the JDK's client hangs on {@code Expect: 100-continue}. So the headers go over a plain socket.
   */
  private RawAnswer postDeclaringBody(String path, byte[] body) {
    try (java.net.Socket socket = new java.net.Socket(node.uri(path).getHost(), node.uri(path).getPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(raw.split(" ", 3)[1]);
      String answer = raw.substring(raw.indexOf("\r\n\r\n") + 4);
      return new RawAnswer(status, answer);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("POST " + path + " failed: " + e, e);
    }
  }

  @Test
  void aLargePushWithinTheLimitIsAccepted() {
    grant("bigpush", "ent-bigpush");
    String padding = "x".repeat(2 * 1024 * 1024);
    HttpResponse<String> response = node.post("/pubsub", envelope(messageId(),
        "{\"tenant_id\":\"bigpush\",\"metric\":\"cpu\",\"value\":1,\"padding\":\"" + padding + "\"}"));
    assertEquals(200, response.statusCode(), () -> response.body().substring(0, Math.min(300, response.body().length())));
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    assertRefusal(node.get("/nowhere"), 404, "not_found");
    assertRefusal(node.get("/pubsub"), 405, "method_not_allowed");
    assertRefusal(node.post("/health", "{}"), 405, "method_not_allowed");
  }

  @Test
  void theFlatMarketplaceContractDrivesTheLifecycle() {
    JsonNode granted = grant("market", "ent-market");
    assertEquals("entitlement", granted.path("type").asText());
    assertEquals("active", granted.path("state_to").asText());
    HttpResponse<String> resumedActive = node.post("/marketplace", """
        {"tenant_id":"market","entitlement_id":"ent-market","action":"resume"}""");
    assertEquals(200, resumedActive.statusCode(), "active is in effect already");
    assertEquals(granted.path("id").asText(), json(resumedActive).path("id").asText(), "the receipt that made it so");
    HttpResponse<String> suspended = node.post("/marketplace", """
        {"tenant_id":"market","entitlement_id":"ent-market","action":"suspend"}""");
    assertEquals(200, suspended.statusCode(), suspended::body);
    assertEquals("refusal", pushSignal("market", "10").path("type").asText());
    assertRefusal(node.post("/marketplace", "{\"tenant_id\":\"market\",\"action\":\"grant\"}"), 400,
        "missing_required_fields");
    assertRefusal(node.post("/marketplace", """
        {"tenant_id":"market","entitlement_id":"ent-market","action":"explode"}"""), 400, "unknown_action");
    assertRefusal(node.post("/marketplace", "nope"), 400, "invalid_json");
    assertEquals(200, node.post("/marketplace", """
        {"tenant_id":"market","entitlement_id":"ent-market","action":"revoke"}""").statusCode());
    assertRefusal(node.post("/marketplace", """
        {"tenant_id":"market","entitlement_id":"ent-market","action":"suspend"}"""), 409, "invalid_transition");
  }

  @Test
  void aRepeatedRequestIdIsAppliedOnce() {
    String body = "{\"tenant_id\":\"idem\",\"entitlement_id\":\"ent-idem\",\"action\":\"grant\"}";
    HttpResponse<String> first = node.post("/marketplace", body, "X-Request-ID", "req-1");
    HttpResponse<String> again = node.post("/marketplace", body, "X-Request-ID", "req-1");
    assertEquals(200, first.statusCode(), first::body);
    assertEquals(200, again.statusCode(), again::body);
    assertEquals(json(first).path("id").asText(), json(again).path("id").asText());
  }

  @Test
  void procurementEventsInAPushEnvelopeAreApplied() {
    String created = """
        {"eventId":"ev-1","eventType":"ENTITLEMENT_CREATION_REQUESTED","providerId":"p",
         "entitlement":{"id":"ent-proc","newPlan":"professional"},"account":{"id":"acct-proc"}}""";
    HttpResponse<String> first = node.post("/marketplace", envelope(messageId(), created,
        "{\"tenant_id\":\"proc\"}"));
    assertEquals(200, first.statusCode(), first::body);
    assertEquals("pending", json(first).path("state_to").asText());
    HttpResponse<String> active = node.post("/marketplace", envelope(messageId(), """
        {"eventId":"ev-2","eventType":"ENTITLEMENT_ACTIVE","entitlement":{"id":"ent-proc"}}"""));
    assertEquals(200, active.statusCode(), active::body);
    assertEquals("active", json(active).path("state_to").asText());
    assertEquals("proc", json(active).path("tenant_id").asText());
    HttpResponse<String> again = node.post("/marketplace", envelope(messageId(), """
        {"eventId":"ev-2","eventType":"ENTITLEMENT_ACTIVE","entitlement":{"id":"ent-proc"}}"""));
    assertEquals(json(active).path("id").asText(), json(again).path("id").asText());
    HttpResponse<String> unknownType = node.post("/marketplace", envelope(messageId(), """
        {"eventId":"ev-3","eventType":"SOMETHING_NEW","entitlement":{"id":"ent-proc"}}"""));
    assertEquals(200, unknownType.statusCode(), unknownType::body);
    assertRefusal(node.post("/marketplace", envelope(messageId(), "{\"eventType\":\"ENTITLEMENT_ACTIVE\"}")), 400,
        "missing_required_fields");
  }

  @Test
  void receiptsAreReadByIdAndPagedByTenant() {
    grant("pager", "ent-pager");
    String firstId = pushSignal("pager", "1").path("id").asText();
    for (int i = 0; i < 4; i++) {
      pushSignal("pager", "2");
    }
    HttpResponse<String> one = node.get("/receipts/" + firstId);
    assertEquals(200, one.statusCode());
    assertEquals(firstId, json(one).path("id").asText());
    assertRefusal(node.get("/receipts/ffffffffffffffffffffffffffffffff"), 404, "not_found");

    JsonNode page = json(node.get("/tenants/pager/receipts?limit=2"));
    assertEquals("pager", page.path("tenant_id").asText());
    assertEquals(2, page.path("receipts").size());
    long after = page.path("next_after").asLong();
    JsonNode rest = json(node.get("/tenants/pager/receipts?after=" + after + "&limit=1000"));
    assertEquals(4, rest.path("receipts").size(), "grant + 5 signals = 6 receipts");
    assertTrue(rest.path("next_after").isNull());
    assertRefusal(node.get("/tenants/pager/receipts?limit=1001"), 400, "invalid_parameter");
    assertRefusal(node.get("/tenants/pager/receipts?limit=0"), 400, "invalid_parameter");
    assertRefusal(node.get("/tenants/pager/receipts?after=abc"), 400, "invalid_parameter");
    assertRefusal(node.get("/tenants/pager/receipts?after=-1"), 400, "invalid_parameter");
  }

  @Test
  void chainsVerify() {
    grant("verified", "ent-verified");
    pushSignal("verified", "3");
    JsonNode verify = json(node.get("/tenants/verified/verify"));
    assertTrue(verify.path("valid").asBoolean(), verify::toString);
    assertEquals(2, verify.path("count").asLong());
    assertEquals(64, verify.path("head").asText().length());
  }

  @Test
  void tenantsShowTheirGovernorAnd404WhenNeverSeen() {
    grant("viewed", "ent-viewed");
    pushSignal("viewed", "65");
    HttpResponse<String> response = node.get("/tenants/viewed");
    assertEquals(200, response.statusCode(), response::body);
    JsonNode tenant = json(response);
    assertEquals("warning", tenant.path("state").asText());
    assertEquals("active", tenant.path("entitlement").path("state").asText());
    assertEquals(1, tenant.path("counters").path("signals").asLong());
    assertRefusal(node.get("/tenants/nobody-ever"), 404, "not_found");
  }

  @Test
  void metricsAreInPrometheusTextFormat() {
    grant("metered", "ent-metered");
    pushSignal("metered", "99");
    node.post("/pubsub", "{broken");
    HttpResponse<String> response = node.get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    String text = response.body();
    for (String name : new String[] {"tai_signals_received_total", "tai_decision_latency_seconds_bucket",
        "tai_actions_started_total{action_type=\"scale\"}", "tai_refusals_total{reason=\"invalid_json\"}",
        "tai_http_server_requests_seconds_count", "tai_ledger_last_seq", "jvm_memory_used_bytes", "jvm_gc_",
        "tai_executor_queue_depth"}) {
      assertTrue(text.contains(name), () -> name + " missing from /metrics");
    }
    assertFalse(text.contains("tenant=\""), "no tenant label by default");
  }
}
