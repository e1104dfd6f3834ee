package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The operator controls over real HTTP: 403 with no admin token set, 401 with a bad one, receipts naming the admin. */
class TenantControlRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTH = "Authorization";
  private static final String SEED = "autonomics.entitlements.seed = [{ tenant-id = \"tenant-001\", sku = \"base\" }]\n";

  private static JsonNode body(HttpResponse<String> answer) throws Exception {
    return JSON.readTree(answer.body());
  }

  private static HttpResponse<String> push(TestNode node, String id, String value) {
    return node.post("/pubsub", TestNode.envelope(id, TestNode.signal("tenant-001", "cpu", value)));
  }

  @Test
  void controlsAreOffWithoutAnAdminToken() throws Exception {
    try (TestNode node = TestNode.start(SEED)) {
      HttpResponse<String> off = node.post("/tenants/tenant-001/pause", "", AUTH, "Bearer anything");
      assertEquals(403, off.statusCode());
      assertEquals("admin_disabled", body(off).path("reason").asText());
    }
  }

  @Test
  void pauseResumeAndClearAreReceiptsNamingTheAdmin() throws Exception {
    try (TestNode node = TestNode.start(SEED + """
        autonomics.http.admin-token = "s3cret"
        autonomics.http.admin-name = "ops-oncall"
        """)) {
      assertEquals(401, node.post("/tenants/tenant-001/pause", "", AUTH, "Bearer wrong").statusCode());
      assertEquals(401, node.post("/tenants/tenant-001/pause", "").statusCode());
      HttpResponse<String> unknown = node.post("/tenants/nobody/pause", "", AUTH, "Bearer s3cret");
      assertEquals(404, unknown.statusCode());

      HttpResponse<String> paused = node.post("/tenants/tenant-001/pause", "", AUTH, "Bearer s3cret");
      assertEquals(200, paused.statusCode(), paused.body());
      assertEquals("paused", body(paused).path("reason").asText());
      assertEquals("ops-oncall", body(paused).path("inputs").path("operator").asText());
      JsonNode would = body(push(node, "m-1", "95"));
      assertEquals("would_act", would.path("reason").asText());
      assertEquals("scale", would.path("action_type").asText());

      HttpResponse<String> notQuarantined = node.post("/tenants/tenant-001/quarantine/clear", "", AUTH,
          "Bearer s3cret");
      assertEquals(409, notQuarantined.statusCode());
      assertEquals("not_quarantined", body(notQuarantined).path("reason").asText());

      HttpResponse<String> resumed = node.post("/tenants/tenant-001/resume", "", AUTH, "Bearer s3cret");
      assertEquals(200, resumed.statusCode());
      assertEquals("resumed", body(resumed).path("reason").asText());
      assertEquals("act", body(push(node, "m-2", "95")).path("reason").asText());

      JsonNode chain = body(node.get("/tenants/tenant-001/receipts?limit=1000"));
      String reasons = chain.path("receipts").findValuesAsText("reason").toString();
      assertEquals(true, reasons.contains("paused") && reasons.contains("resumed"), reasons);
      assertEquals(true, body(node.get("/tenants/tenant-001/verify")).path("valid").asBoolean());
    }
  }
}
