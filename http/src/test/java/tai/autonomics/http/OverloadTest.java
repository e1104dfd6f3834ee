package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tai.autonomics.http.TestNode.envelope;
import static tai.autonomics.http.TestNode.signal;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ledger that takes no more appends (max-pending = 0 refuses every one as overloaded): signals and entitlement
 * events are answered 503 with a JSON body, so Pub/Sub backs off and redelivers; reads still work.
 */
class OverloadTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start("""
        autonomics.ledger.max-pending = 0
        autonomics.entitlements.refuse-unknown-tenants = false
        """);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSaturatedLedgerIsAnswered503() {
    HttpResponse<String> signal = node.post("/pubsub", envelope("o-1", signal("busy", "cpu", "10")));
    assertEquals(503, signal.statusCode(), signal::body);
    assertTrue(signal.body().contains("\"reason\":\"overloaded\""), signal::body);
    assertEquals("1", signal.headers().firstValue("Retry-After").orElse(null), "transient: retry later");
    // a poison push is acknowledged only once its dead letter is durable: until then it is transient too
    HttpResponse<String> poison = node.post("/pubsub", "{not json");
    assertEquals(503, poison.statusCode(), poison::body);
    HttpResponse<String> grant = node.post("/marketplace",
        "{\"tenant_id\":\"busy\",\"entitlement_id\":\"e\",\"action\":\"grant\"}");
    assertEquals(503, grant.statusCode(), grant::body);
    assertTrue(grant.body().contains("\"type\":\"refusal\""), grant::body);
    assertEquals(200, node.get("/tenants/busy/receipts").statusCode());
    assertTrue(node.get("/metrics").body().contains("tai_refusals_total{reason=\"overloaded\"}"));
  }
}
