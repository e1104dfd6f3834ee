package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/**
 * Tenant-safe de-duplication (issue 15, point 2) over real HTTP and a real RocksDB ledger, across a restart: a
 * Pub/Sub push is a repeat only for the same tenant, subscription and messageId, a Procurement event only for the
 * same tenant, providerId and eventId; nobody is ever answered with another tenant's receipt.
 */
class DeduplicationTest {
  private static final String SUB_A = "projects/p/subscriptions/a";
  private static final String SUB_B = "projects/p/subscriptions/b";

  @TempDir
  Path dir;

  @Test
  void tenantsSharingAMessageIdKeepTheirOwnReceiptsAcrossARestart() {
    String alphaFirst;
    String betaFirst;
    String betaOtherSubscription;
    try (Node node = Node.start(dir)) {
      alphaFirst = node.push(SUB_A, "same-id-1", "alpha", "cpu", 10).path("id").asText();
      JsonNode beta = node.push(SUB_A, "same-id-1", "beta", "cpu", 70);
      assertEquals("beta", beta.path("tenant_id").asText(), "beta must never get alpha's receipt");
      assertEquals("warning", beta.path("state_to").asText(), "beta's signal was decided, not dropped");
      betaFirst = beta.path("id").asText();
      assertNotEquals(alphaFirst, betaFirst);
      betaOtherSubscription = node.push(SUB_B, "same-id-1", "beta", "cpu", 20).path("id").asText();
      assertNotEquals(betaFirst, betaOtherSubscription, "another subscription is another topic's message");
    }
    try (Node node = Node.start(dir)) {
      assertEquals(alphaFirst, node.push(SUB_A, "same-id-1", "alpha", "cpu", 99).path("id").asText());
      assertEquals(betaFirst, node.push(SUB_A, "same-id-1", "beta", "cpu", 99).path("id").asText());
      assertEquals(betaOtherSubscription, node.push(SUB_B, "same-id-1", "beta", "cpu", 99).path("id").asText());
      JsonNode alphaPage = node.json(node.http.get("/tenants/alpha/receipts"));
      // the seed's grant and one decision each: the repeats wrote nothing
      assertEquals(2, alphaPage.path("receipts").size(), alphaPage::toString);
      assertEquals(3, node.json(node.http.get("/tenants/beta/receipts")).path("receipts").size());
      // a tenant new to the id gets its own decision after the restart too
      assertEquals("gamma", node.push(SUB_A, "same-id-1", "gamma", "cpu", 10).path("tenant_id").asText());
    }
  }

  @Test
  void procurementEventsAreRepeatsOnlyForTheSameProviderAndTenant() {
    String first;
    try (Node node = Node.start(dir)) {
      JsonNode created = node.procurement("m-1", "p1", "ev-1", "ENTITLEMENT_ACTIVE", "ent-one", "one");
      assertEquals("one", created.path("tenant_id").asText());
      assertEquals("p1", created.path("provider_id").asText());
      first = created.path("id").asText();
      JsonNode otherProvider = node.procurement("m-2", "p2", "ev-1", "ENTITLEMENT_ACTIVE", "ent-two", "two");
      assertEquals("two", otherProvider.path("tenant_id").asText(), "another provider's ev-1 is another event");
      assertEquals("active", otherProvider.path("state_to").asText());
      JsonNode otherTenant = node.procurement("m-3", "p1", "ev-1", "ENTITLEMENT_ACTIVE", "ent-three", "three");
      assertEquals("three", otherTenant.path("tenant_id").asText(), "never another tenant's receipt");
    }
    try (Node node = Node.start(dir)) {
      JsonNode again = node.procurement("m-4", "p1", "ev-1", "ENTITLEMENT_ACTIVE", "ent-one", "one");
      assertEquals(first, again.path("id").asText(), "the same provider's event again: the original receipt");
    }
  }

  /** A node over the RocksDB ledger in {@code dir}, with three active tenants. */
  private static final class Node implements AutoCloseable {
    final TestNode http;

    private Node(TestNode http) {
      this.http = http;
    }

    static Node start(Path dir) {
      return new Node(TestNode.startRocks("""
          autonomics.entitlements.seed = [{tenant-id = alpha}, {tenant-id = beta}, {tenant-id = gamma}]
          """, dir.resolve("ledger")));
    }

    JsonNode push(String subscription, String messageId, String tenant, String metric, double value) {
      String data = "{\"tenant_id\":\"%s\",\"metric\":\"%s\",\"value\":%s}".formatted(tenant, metric, value);
      return ok(http.post("/pubsub", envelope(subscription, messageId, data, "{}")));
    }

    JsonNode procurement(String messageId, String provider, String eventId, String type, String entitlement,
        String tenant) {
      String event = """
          {"eventId":"%s","eventType":"%s","providerId":"%s","entitlement":{"id":"%s"}}"""
          .formatted(eventId, type, provider, entitlement);
      return ok(http.post("/marketplace", envelope(SUB_A, messageId, event, "{\"tenant_id\":\"" + tenant + "\"}")));
    }

    JsonNode ok(HttpResponse<String> response) {
      assertEquals(200, response.statusCode(), response::body);
      return json(response);
    }

    JsonNode json(HttpResponse<String> response) {
      try {
        return Json.MAPPER.readTree(response.body());
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + response.body(), e);
      }
    }

    static String envelope(String subscription, String messageId, String data, String attributes) {
      String encoded = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
      return """
          {"message":{"data":"%s","messageId":"%s","attributes":%s},"subscription":"%s"}"""
          .formatted(encoded, messageId, attributes, subscription);
    }

    @Override
    public void close() {
      http.close();
    }
  }
}
