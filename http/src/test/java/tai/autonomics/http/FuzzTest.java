package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tai.autonomics.Json;

/**
 * Random and mutated bodies thrown at /pubsub and /marketplace: whatever a client sends, the answer is never a 5xx,
 * always JSON, and the node stays healthy. With the default ack policy every push, poison or not, is answered 200
 * with a durable receipt: a decision, a refusal receipt, or a dead letter (then kept in the verified dead-letter
 * chain); only the flat Marketplace contract keeps its 4xx.
 */
class FuzzTest {
  private static TestNode node;

  @BeforeContainer
  static void start() {
    node = TestNode.start("""
        autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
        """);
  }

  @AfterContainer
  static void stop() {
    assertEquals(200, node.get("/health").statusCode(), "the node is healthy after the fuzzing");
    HttpResponse<String> verified = node.get("/dead-letters/verify");
    assertTrue(verified.body().contains("\"valid\":true"), () -> "the dead letters' chain: " + verified.body());
    node.close();
  }

  private static final List<String> SEEDS = List.of(
      TestNode.envelope("fz", TestNode.signal("tenant-001", "cpu", "50")),
      "{\"message\":{\"data\":\"" + b64(TestNode.signal("tenant-001", "cpu", "90")) + "\",\"message_id\":\"1\"}}",
      "{\"tenant_id\":\"tenant-001\",\"entitlement_id\":\"e1\",\"action\":\"grant\",\"sku\":\"base\"}",
      TestNode.envelope("fzm", "{\"eventId\":\"e\",\"eventType\":\"ENTITLEMENT_ACTIVE\",\"entitlement\":{\"id\":\"x\"}}"));

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A seed with a few characters replaced, inserted or deleted at random places. */
  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> seed = Arbitraries.of(SEEDS);
    Arbitrary<List<Integer>> positions = Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<String> inserts = Arbitraries.strings().withChars("{}[]\":,\\0123456789.eE-+ntrufalsx\u0000\u00e9")
        .ofMaxLength(4);
    return Combinators.combine(seed, positions, inserts).as((s, at, insert) -> {
      StringBuilder text = new StringBuilder(s);
      for (int position : at) {
        int index = position % (text.length() + 1);
        if (position % 3 == 0 && index < text.length()) {
          text.deleteCharAt(index);
        } else {
          text.insert(index, insert);
        }
      }
      return text.toString();
    });
  }

  /** Structurally valid envelopes whose data is arbitrary JSON-ish text. */
  @Provide
  Arbitrary<String> randomData() {
    Arbitrary<String> data = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(64),
        Arbitraries.strings().withChars("{}[]\":,0123456789.-tenant_idmetricvalue ").ofMaxLength(80),
        Combinators.combine(Arbitraries.strings().ofMaxLength(8), Arbitraries.strings().ofMaxLength(8),
            Arbitraries.oneOf(Arbitraries.doubles().map(String::valueOf), Arbitraries.strings().ofMaxLength(5)
                .map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""), Arbitraries.just("null")))
            .as((tenant, metric, value) -> "{\"tenant_id\":\"" + clean(tenant) + "\",\"metric\":\"" + clean(metric)
                + "\",\"value\":" + value + "}"));
    return data.map(d -> "{\"message\":{\"data\":\"" + b64(d) + "\"}}");
  }

  private static String clean(String text) {
    return text.replace("\\", "").replace("\"", "");
  }

  @Property(tries = 120)
  void mutatedPushesNeverFailTheServer(@ForAll("mutated") String body) {
    checkPush(node.post("/pubsub", body));
  }

  @Property(tries = 100)
  void mutatedMarketplaceEventsNeverFailTheServer(@ForAll("mutated") String body) {
    HttpResponse<String> response = node.post("/marketplace", body);
    check(response);
    if (isPush(body)) {
      checkPush(response);
    }
  }

  @Property(tries = 80)
  void arbitraryDataNeverFailsTheServer(@ForAll("randomData") String body) {
    checkPush(node.post("/pubsub", body));
  }

  @Property(tries = 40)
  void arbitraryBytesNeverFailTheServer(@ForAll byte[] body) {
    if (body.length % 2 == 0) {
      checkPush(node.post("/pubsub", body));
    } else {
      check(node.post("/marketplace", body));
    }
  }

  private static void check(HttpResponse<String> response) {
    int status = response.statusCode();
    assertTrue(status < 500, () -> "5xx for client input: " + status + " " + response.body());
    assertTrue(response.body().startsWith("{"), () -> "not a JSON answer: " + response.body());
  }

  /** A push is acknowledged with a sealed receipt whatever its body: Pub/Sub must never redeliver it forever. */
  private static void checkPush(HttpResponse<String> response) {
    check(response);
    assertEquals(200, response.statusCode(), response::body);
    JsonNode receipt;
    try {
      receipt = Json.MAPPER.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
    assertTrue(RECEIPT_TYPES.contains(receipt.path("type").asText()), response::body);
    assertEquals(64, receipt.path("hash").asText().length(), () -> "not a durable receipt: " + response.body());
    if (receipt.path("type").asText().equals("dead_letter")) {
      assertEquals("", receipt.path("tenant_id").asText());
      assertTrue(receipt.path("dead_letter").has("body_sha256"), response::body);
    }
  }

  /** What /marketplace reads as a Pub/Sub push: a JSON object with a "message" field. */
  private static boolean isPush(String body) {
    try {
      // as strictly as the node reads it: a body with trailing tokens is not JSON, so not an envelope
      JsonNode node = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
      return node != null && node.isObject() && node.has("message");
    } catch (Exception e) {
      return false;
    }
  }

  private static final Set<String> RECEIPT_TYPES = Set.of("transition", "refusal", "entitlement", "dead_letter");
}
