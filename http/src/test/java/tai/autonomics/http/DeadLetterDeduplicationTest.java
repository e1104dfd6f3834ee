package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * Dead letters are de-duplicated like tenant receipts (docs/API.md, "Dead letters"), over real HTTP and RocksDB,
 * across a restart on the same data directory: a poison push redelivered with the same subscription and messageId
 * is answered 200 with the same dead letter, on {@code /pubsub} and {@code /marketplace}; another subscription's
 * message with that id, and pushes without a messageId, are records of their own. The chain pages and verifies
 * across the restart, and {@code tai_dead_letters_total} counts records, not redeliveries (the ledger says which it
 * wrote), also of deliveries that arrive at once.
 */
class DeadLetterDeduplicationTest {
  private static final String CONFIG = """
      autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
      autonomics.http.read-token = "rt"
      """;
  private static final String[] READ = {"Authorization", "Bearer rt"};
  private static final String SUB = "projects/p/subscriptions/s";
  private static final String OTHER_SUB = "projects/p/subscriptions/other";
  private static final Pattern COUNTER = Pattern.compile("^tai_dead_letters_total\\{reason=\"([a-z_]+)\"} (\\S+)$",
      Pattern.MULTILINE);

  @TempDir
  Path dir;

  @Test
  void aRedeliveredPoisonPushIsAnsweredWithItsOriginalDeadLetterAcrossARestart() {
    String procurement = TestNode.envelope("mk-1", "{\"eventId\":\"ev-dl\",\"eventType\":"
        + "\"ENTITLEMENT_PLAN_CHANGE_CANCELLED\",\"entitlement\":{\"id\":\"ent-never\"}}",
        "{\"tenant_id\":\"tenant-001\"}");
    JsonNode first;
    JsonNode letter;
    List<String> before;
    try (TestNode node = start()) {
      first = ok(node.post("/pubsub", undecodable(SUB, "dl-1", 1)));
      assertEquals("dead_letter", first.path("type").asText(), first::toString);
      assertEquals("dl-1", first.path("message_id").asText(), "the key the ledger de-duplicates on");
      JsonNode again = ok(node.post("/pubsub", undecodable(SUB, "dl-1", 2)));
      assertEquals(first, again, "Pub/Sub's redelivery (its next attempt) gets the original dead letter");
      JsonNode other = ok(node.post("/pubsub", undecodable(OTHER_SUB, "dl-1", 1)));
      assertEquals("dead_letter", other.path("type").asText());
      assertNotEquals(first.path("id"), other.path("id"), "another subscription's dl-1 is another message");
      // without a messageId there is no key: each push is a record of its own
      assertNotEquals(ok(node.post("/pubsub", "{not json")).path("id"), ok(node.post("/pubsub", "{not json")).path("id"));
      // a NUL cannot be an index key (PostgreSQL's text refuses it): such a messageId is malformed, and no key
      JsonNode nul = ok(node.post("/pubsub", undecodable(SUB, "dl\\u0000x", 1)));
      assertEquals("invalid_envelope", nul.path("reason").asText(), nul::toString);
      assertFalse(nul.has("message_id"), nul::toString);
      letter = ok(node.post("/marketplace", procurement));
      assertEquals("invalid_transition", letter.path("reason").asText(), letter::toString);
      assertEquals(letter, ok(node.post("/marketplace", procurement)), "a Procurement push alike");
      assertEquals(java.util.Map.of("decode_failed", 2.0, "invalid_json", 2.0, "invalid_envelope", 1.0,
          "invalid_transition", 1.0), counters(node), "eight poison pushes, six dead letters");
      before = deadLetters(node);
      assertEquals(6, before.size(), before::toString);
    }
    try (TestNode node = start()) {
      assertEquals(first, ok(node.post("/pubsub", undecodable(SUB, "dl-1", 3))), "after the restart: the same");
      assertEquals(letter, ok(node.post("/marketplace", procurement)));
      assertTrue(counters(node).isEmpty(), "a redelivery answered from the index is no new dead letter");
      JsonNode fresh = ok(node.post("/pubsub", undecodable(SUB, "dl-2", 1)));
      assertEquals(java.util.Map.of("decode_failed", 1.0), counters(node));
      List<String> after = deadLetters(node);
      assertEquals(7, after.size(), after::toString);
      assertEquals(before, after.subList(0, 6), "the chain goes on where it was, nothing written twice");
      assertEquals(fresh.path("id").asText(), after.get(6));
      JsonNode verified = json(node.get("/dead-letters/verify", READ));
      assertTrue(verified.path("valid").asBoolean(), verified::toString);
      assertEquals(7, verified.path("count").asInt());
    }
  }

  /**
   * Deliveries of one message that arrive at once with the same attempt are drafted alike, often in the same
   * millisecond; no field tells the written one from the repeats, only the ledger knows (it answered the repeats
   * with the original). One dead letter per message, counted once, however many arrive together (a warm node, and
   * several rounds, so that drafts of one millisecond do occur; LedgerTest shows it for one draft sent twice).
   */
  @Test
  void deliveriesArrivingTogetherInTheSameMillisecondAreCountedOnce() throws Exception {
    try (TestNode node = start()) {
      for (int i = 0; i < 50; i++) {
        ok(node.post("/pubsub", undecodable(SUB, "warm-" + i, 1)));
      }
      double before = counters(node).get("decode_failed");
      List<String> letters = new ArrayList<>(deadLetters(node));
      int rounds = 12;
      for (int round = 0; round < rounds; round++) {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> together = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          together.add(node.client.sendAsync(java.net.http.HttpRequest.newBuilder(node.uri("/pubsub"))
              .header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(undecodable(SUB, "at-once-" + round, 1)))
              .build(), HttpResponse.BodyHandlers.ofString()));
        }
        JsonNode first = ok(together.get(0).get(30, java.util.concurrent.TimeUnit.SECONDS));
        for (var answer : together) {
          assertEquals(first, ok(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)), "one dead letter for all");
        }
        letters.add(first.path("id").asText());
      }
      assertEquals(before + rounds, counters(node).get("decode_failed"), "each written once, counted once");
      assertEquals(letters, deadLetters(node));
    }
  }

  private TestNode start() {
    Path data = dir.resolve("node");
    return TestNode.startRocks(CONFIG + "autonomics.ledger.data-dir = \"" + data.toString().replace("\\", "/")
        + "\"\n", data.resolve("ledger"));
  }

  /** A push whose data is not base64: permanent, naming no tenant, so a dead letter. */
  private static String undecodable(String subscription, String messageId, int attempt) {
    return "{\"message\":{\"data\":\"%%%\",\"messageId\":\"" + messageId + "\"},\"subscription\":\"" + subscription
        + "\",\"deliveryAttempt\":" + attempt + "}";
  }

  /** The dead letters' ids in chain order, two per page: pages cross the restart like the chain does. */
  private static List<String> deadLetters(TestNode node) {
    List<String> ids = new ArrayList<>();
    long after = 0;
    for (int pages = 0; pages < 100; pages++) {
      JsonNode page = json(node.get("/dead-letters?limit=2&after=" + after, READ));
      for (JsonNode receipt : page.path("receipts")) {
        assertTrue(receipt.path("seq").asLong() > after, "in chain order");
        ids.add(receipt.path("id").asText());
      }
      if (page.path("next_after").isNull()) {
        return ids;
      }
      after = page.path("next_after").asLong();
    }
    throw new AssertionError("the dead letters never ended: " + ids);
  }

  /** {@code tai_dead_letters_total} by reason, as /metrics shows it (series at 0 left out). */
  private static java.util.Map<String, Double> counters(TestNode node) {
    HttpResponse<String> metrics = node.get("/metrics", READ);
    assertEquals(200, metrics.statusCode(), metrics::body);
    java.util.Map<String, Double> counts = new java.util.HashMap<>();
    Matcher line = COUNTER.matcher(metrics.body());
    while (line.find()) {
      double value = Double.parseDouble(line.group(2));
      if (value > 0) {
        counts.put(line.group(1), value);
      }
    }
    return counts;
  }

  private static JsonNode ok(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
    assertFalse(response.body().isEmpty());
    return json(response);
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }
}
