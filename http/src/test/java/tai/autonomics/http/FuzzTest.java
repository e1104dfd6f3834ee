package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated bodies thrown at /pubsub and /marketplace: whatever a client sends, the answer is never a 5xx
 * (bar 503, which only load may cause and these few requests do not), always JSON, and the node stays healthy.
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
    check(node.post("/pubsub", body));
  }

  @Property(tries = 100)
  void mutatedMarketplaceEventsNeverFailTheServer(@ForAll("mutated") String body) {
    check(node.post("/marketplace", body));
  }

  @Property(tries = 80)
  void arbitraryDataNeverFailsTheServer(@ForAll("randomData") String body) {
    check(node.post("/pubsub", body));
  }

  @Property(tries = 40)
  void arbitraryBytesNeverFailTheServer(@ForAll byte[] body) {
    check(node.post(body.length % 2 == 0 ? "/pubsub" : "/marketplace", body));
  }

  private static void check(HttpResponse<String> response) {
    int status = response.statusCode();
    assertTrue(status < 500, () -> "5xx for client input: " + status + " " + response.body());
    assertTrue(response.body().startsWith("{"), () -> "not a JSON answer: " + response.body());
  }
}
