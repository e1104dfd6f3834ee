package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tai.autonomics.http.TestNode.envelope;
import static tai.autonomics.http.TestNode.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * The ack policy, over real HTTP and RocksDB (docs/API.md): every permanent failure of a push is answered 200 once it
 * is durable, as a refusal receipt of the tenant it names or a dead letter in the node's chain (paged, read-token
 * guarded, verified, kept across a restart); unwrapped pushes; delivery metadata in the hashed receipt; and the
 * same failures answered 4xx with {@code poison = reject}.
 */
class PoisonPushTest {
  private static final String CONFIG = """
      autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
      autonomics.http.read-token = "rt"
      """;
  private static final String[] READ = {"Authorization", "Bearer rt"};
  private static final AtomicInteger ids = new AtomicInteger();

  @TempDir
  static Path dir;
  private static TestNode node;
  private static TestNode rejecting;

  @BeforeAll
  static void start() {
    node = onDisk(CONFIG, "acknowledge");
    rejecting = onDisk(CONFIG + "autonomics.http.pubsub.poison = reject\n", "reject");
  }

  /** A node over RocksDB in its own data directory: its ledger and its transparency log's signed heads. */
  private static TestNode onDisk(String config, String name) {
    Path data = dir.resolve(name);
    return TestNode.startRocks(config + "autonomics.ledger.data-dir = \"" + data.toString().replace("\\", "/")
        + "\"\n", data.resolve("ledger"));
  }

  @AfterAll
  static void stop() {
    node.close();
    rejecting.close();
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String id() {
    return "pp-" + ids.incrementAndGet();
  }

  /** A body that no tenant can be named for, and the reason it is refused with. */
  private record Poison(String body, String reason) {}

  private static List<Poison> pubsubPoison() {
    return List.of(
        new Poison("{not json", "invalid_json"),
        new Poison("[1,2]", "invalid_json"),
        new Poison("{\"message\":\"x\",\"subscription\":\"projects/p/subscriptions/s\"}", "invalid_envelope"),
        new Poison("{\"message\":{\"messageId\":\"" + id() + "\"}}", "missing_data"),
        new Poison("{\"message\":{\"data\":\"%%%not base64\",\"messageId\":\"" + id() + "\"},\"deliveryAttempt\":7}",
            "decode_failed"),
        new Poison("{\"message\":{\"data\":\"" + b64("hello") + "\"}}", "invalid_json"),
        new Poison(envelope(id(), "[1]"), "invalid_signal"),
        new Poison(envelope(id(), "{\"metric\":\"cpu\",\"value\":1}"), "invalid_signal"),
        new Poison(envelope(id(), signal("a", "cpu", "1"), "{\"tenant_id\":\"b\"}"), "invalid_signal"));
  }

  /** The dead letter keeps the body's first bytes, its length and its SHA-256, and what the push said. */
  private static void assertDeadLetter(JsonNode receipt, Poison poison) throws Exception {
    byte[] body = poison.body().getBytes(StandardCharsets.UTF_8);
    assertEquals("dead_letter", receipt.path("type").asText(), receipt::toString);
    assertEquals("", receipt.path("tenant_id").asText());
    assertEquals(poison.reason(), receipt.path("reason").asText(), receipt::toString);
    JsonNode letter = receipt.path("dead_letter");
    assertTrue(letter.path("detail").asText().startsWith("POST /"), receipt::toString);
    assertEquals(body.length, letter.path("body_bytes").asLong());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)),
        letter.path("body_sha256").asText());
    assertArrayEquals(Arrays.copyOf(body, Math.min(body.length, DeadLetters.BODY_KEPT)),
        Base64.getDecoder().decode(letter.path("body_base64").asText()));
    assertTrue(receipt.path("hash").asText().length() == 64, "a sealed, durable receipt");
  }

  @Test
  void everyPermanentFailureOfAPushIsAcknowledgedAsADeadLetterOrRejectedWhenConfigured() throws Exception {
    for (Poison poison : pubsubPoison()) {
      HttpResponse<String> acknowledged = node.post("/pubsub", poison.body());
      assertEquals(200, acknowledged.statusCode(), acknowledged::body);
      assertDeadLetter(json(acknowledged), poison);
      HttpResponse<String> rejected = rejecting.post("/pubsub", poison.body());
      assertEquals(400, rejected.statusCode(), rejected::body);
      assertEquals(poison.reason(), json(rejected).path("reason").asText(), rejected::body);
    }
    // what the push said is kept where it could be read
    JsonNode attempt = json(node.post("/pubsub", "{\"message\":{\"data\":\"%%%\",\"messageId\":\"m-77\","
        + "\"publishTime\":\"2026-12-02T10:00:00Z\",\"orderingKey\":\"k\"},"
        + "\"subscription\":\"projects/p/subscriptions/s\",\"deliveryAttempt\":5}"));
    assertEquals("m-77", attempt.path("dead_letter").path("message_id").asText());
    assertEquals("projects/p/subscriptions/s", attempt.path("delivery").path("subscription").asText());
    assertEquals(5, attempt.path("delivery").path("delivery_attempt").asInt());
    assertEquals("2026-12-02T10:00:00Z", attempt.path("delivery").path("publish_time").asText());
    assertEquals("k", attempt.path("delivery").path("ordering_key").asText());
    assertEquals(0, json(rejecting.get("/dead-letters", READ)).path("receipts").size(), "reject writes nothing");
    assertTrue(node.get("/metrics", READ).body().contains("tai_dead_letters_total{reason=\"decode_failed\"}"));
  }

  @Test
  void aPermanentFailureNamingItsTenantIsARefusalReceiptInTheTenantsChain() {
    String messageId = id();
    String body = envelope(messageId, "{\"tenant_id\":\"tenant-001\",\"value\":1}");
    JsonNode refusal = json(node.post("/pubsub", body));
    assertEquals("refusal", refusal.path("type").asText(), refusal::toString);
    assertEquals("invalid_signal", refusal.path("reason").asText());
    assertEquals("tenant-001", refusal.path("tenant_id").asText());
    assertEquals(messageId, refusal.path("message_id").asText());
    assertEquals("projects/p/subscriptions/s", refusal.path("delivery").path("subscription").asText());
    assertEquals(refusal.path("id"), json(node.post("/pubsub", body)).path("id"), "a redelivery: the same receipt");
    // undecodable data, the tenant named by the attributes
    JsonNode byAttribute = json(node.post("/pubsub", "{\"message\":{\"data\":\"" + b64("not json") + "\","
        + "\"messageId\":\"" + id() + "\",\"attributes\":{\"tenant_id\":\"tenant-001\"}}}"));
    assertEquals("refusal", byAttribute.path("type").asText(), byAttribute::toString);
    assertEquals("tenant-001", byAttribute.path("tenant_id").asText());
    String chain = node.get("/tenants/tenant-001/receipts?limit=1000", READ).body();
    assertTrue(chain.contains(refusal.path("id").asText()) && chain.contains(byAttribute.path("id").asText()));
    assertEquals(400, rejecting.post("/pubsub", body).statusCode());
  }

  @Test
  void procurementPushesThatCanNeverApplyAreDeadLettersWhileFlatCallersKeep409() {
    String cancelUnknown = "{\"eventId\":\"" + id() + "\",\"eventType\":\"ENTITLEMENT_PLAN_CHANGE_CANCELLED\","
        + "\"entitlement\":{\"id\":\"ent-never\"}}";
    String push = envelope(id(), cancelUnknown, "{\"tenant_id\":\"tenant-001\"}");
    JsonNode letter = json(node.post("/marketplace", push));
    assertEquals("dead_letter", letter.path("type").asText(), letter::toString);
    assertEquals("invalid_transition", letter.path("reason").asText());
    assertTrue(letter.path("dead_letter").path("detail").asText().startsWith("POST /marketplace"));
    JsonNode missing = json(node.post("/marketplace", envelope(id(), "{\"eventType\":\"ENTITLEMENT_ACTIVE\"}")));
    assertEquals("missing_required_fields", missing.path("reason").asText(), missing::toString);
    assertEquals("dead_letter", missing.path("type").asText());
    assertEquals(409, rejecting.post("/marketplace", push).statusCode());
    String flat = "{\"tenant_id\":\"tenant-001\",\"entitlement_id\":\"ent-flat\",\"action\":\"resume\"}";
    assertEquals(409, node.post("/marketplace", flat).statusCode(), "the flat contract keeps its 409");
    assertEquals(400, node.post("/marketplace", "{\"tenant_id\":\"x\"}").statusCode(), "and its 400");
  }

  @Test
  void deadLettersArePagedBehindTheReadTokenVerifiedAndKeptAcrossARestart() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(200, node.post("/pubsub", "{broken " + i).statusCode());
    }
    assertEquals(401, node.get("/dead-letters").statusCode());
    assertEquals(401, node.get("/dead-letters/verify").statusCode());
    assertEquals(400, node.get("/dead-letters?limit=0", READ).statusCode());
    List<String> paged = new ArrayList<>();
    long after = 0;
    long lastSeq = 0;
    while (true) {
      JsonNode page = json(node.get("/dead-letters?limit=2&after=" + after, READ));
      for (JsonNode receipt : page.path("receipts")) {
        assertEquals("dead_letter", receipt.path("type").asText());
        assertTrue(receipt.path("seq").asLong() > lastSeq, "in chain order");
        lastSeq = receipt.path("seq").asLong();
        paged.add(receipt.path("id").asText());
      }
      if (page.path("next_after").isNull()) {
        break;
      }
      after = page.path("next_after").asLong();
    }
    JsonNode verified = json(node.get("/dead-letters/verify", READ));
    assertTrue(verified.path("valid").asBoolean(), verified::toString);
    assertEquals(paged.size(), verified.path("count").asInt());
    assertTrue(paged.size() >= 5);
    node.close();
    node = onDisk(CONFIG, "acknowledge");
    JsonNode again = json(node.get("/dead-letters/verify", READ));
    assertTrue(again.path("valid").asBoolean(), again::toString);
    assertTrue(again.path("count").asInt() >= paged.size());
    assertEquals(paged.get(0), json(node.get("/dead-letters?limit=1", READ)).path("receipts").get(0).path("id")
        .asText());
  }

  @Test
  void anUnwrappedPushIsDecidedWithItsHeadersAsMetadataAndAttributes() {
    String messageId = id();
    String[] headers = {"x-goog-pubsub-message-id", messageId,
        "x-goog-pubsub-subscription-name", "projects/p/subscriptions/raw",
        "x-goog-pubsub-publish-time", "2026-12-02T10:00:00.123Z",
        "x-goog-pubsub-ordering-key", "order-1",
        "tenant_id", "tenant-001"};
    String raw = "{\"metric\":\"cpu\",\"value\":30}";
    JsonNode receipt = json(node.post("/pubsub", raw, headers));
    assertEquals("tenant-001", receipt.path("tenant_id").asText(), receipt::toString);
    assertEquals(messageId, receipt.path("message_id").asText());
    assertEquals("cpu", receipt.path("signal").path("metric").asText());
    JsonNode delivery = receipt.path("delivery");
    assertEquals("projects/p/subscriptions/raw", delivery.path("subscription").asText());
    assertEquals("2026-12-02T10:00:00.123Z", delivery.path("publish_time").asText());
    assertEquals("order-1", delivery.path("ordering_key").asText());
    assertEquals(receipt.path("id"), json(node.post("/pubsub", raw, headers)).path("id"), "de-duplicated alike");
    // an unwrapped poison message is a dead letter with the headers' metadata
    JsonNode letter = json(node.post("/pubsub", "not json at all", "x-goog-pubsub-message-id", "raw-bad-1",
        "x-goog-pubsub-subscription-name", "projects/p/subscriptions/raw"));
    assertEquals("dead_letter", letter.path("type").asText(), letter::toString);
    assertEquals("raw-bad-1", letter.path("dead_letter").path("message_id").asText());
    assertEquals("projects/p/subscriptions/raw", letter.path("delivery").path("subscription").asText());
  }

  @Test
  void deliveryMetadataIsPartOfTheHashedReceipt() throws Exception {
    String body = """
        {"message":{"data":"%s","messageId":"%s","publishTime":"2026-12-02T11:00:00Z","orderingKey":"ok-1"},
         "subscription":"projects/p/subscriptions/meta","deliveryAttempt":3}""".formatted(
        b64(signal("tenant-001", "cpu", "20")), id());
    JsonNode receipt = json(node.post("/pubsub", body));
    JsonNode delivery = receipt.path("delivery");
    assertEquals("projects/p/subscriptions/meta", delivery.path("subscription").asText(), receipt::toString);
    assertEquals(3, delivery.path("delivery_attempt").asInt());
    assertEquals("2026-12-02T11:00:00Z", delivery.path("publish_time").asText());
    assertEquals("ok-1", delivery.path("ordering_key").asText());
    // the hash is over the canonical receipt without its hash (docs/RECEIPTS.md): the metadata are in it
    ObjectNode unhashed = ((ObjectNode) receipt.deepCopy());
    unhashed.remove("hash");
    String canonical = new JsonCanonicalizer(Json.MAPPER.writeValueAsString(unhashed)).getEncodedString();
    assertTrue(canonical.contains("\"delivery\":{\"delivery_attempt\":3"), canonical);
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(canonical.getBytes(StandardCharsets.UTF_8))), receipt.path("hash").asText());
    JsonNode stored = json(node.get("/receipts/" + receipt.path("id").asText(), READ));
    assertEquals(receipt, stored, "stored and read back from RocksDB unchanged");
    JsonNode verified = json(node.get("/tenants/tenant-001/verify", READ));
    assertTrue(verified.path("valid").asBoolean(), verified::toString);
    // a push without metadata has none in its receipt
    JsonNode plain = json(node.post("/pubsub", "{\"message\":{\"data\":\"" + b64(signal("tenant-001", "cpu", "20"))
        + "\"}}"));
    assertFalse(plain.has("delivery"), plain::toString);
  }
}
