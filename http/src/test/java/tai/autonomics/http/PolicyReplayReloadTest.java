package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.PolicyRecords;
import tai.autonomics.tlog.ExportDir;

/**
 * Policy records, replay and reload over real HTTP (docs/POLICY.md): each version is recorded once and served at
 * GET /policies/{version}; a tenant's chain replays as recorded from the node and from an export, and names the
 * first receipt an edited threshold changes; a reload swaps the packs (tenants switch at their next signal, with a
 * receipt) or refuses a bad file with check-policies' message and keeps the packs in use.
 */
class PolicyReplayReloadTest {
  private static final String AUTH = "Authorization";
  private static final String ADMIN = "Bearer s3cret";
  private static final String TENANT = "tenant-001";

  @TempDir
  Path dir;

  private static String pack(int actAbove, int actAfter) {
    return """
        autonomics.policy.packs.base {
          cooldown = 30s, quarantine = 60s
          default-rule { warn-above = 60, act-above = %d, action = scale, act-after = %d, tolerance = 5 }
        }
        """.formatted(actAbove, actAfter);
  }

  private String config(Path file) {
    return "autonomics.entitlements.seed = [{ tenant-id = \"" + TENANT + "\", sku = \"base\" }]\n"
        + "autonomics.http.admin-token = \"s3cret\"\n"
        + "autonomics.policy.file = \"" + file.toString().replace("\\", "/") + "\"\n";
  }

  private static JsonNode body(HttpResponse<String> answer) throws Exception {
    return Json.MAPPER.readTree(answer.body());
  }

  private static JsonNode push(TestNode node, String id, double value) throws Exception {
    HttpResponse<String> answer = node.post("/pubsub", TestNode.envelope(id, TestNode.signal(TENANT, "cpu",
        Double.toString(value))));
    assertEquals(200, answer.statusCode(), answer.body());
    return body(answer);
  }

  /** The command's exit code, its stdout and stderr. */
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = PolicyCommands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<Receipt> policyChain(TestNode node) {
    return node.store.page(PolicyRecords.CHAIN, 0, 1000);
  }

  @Test
  void aChainReplaysFromTheNodeAndFromAnExportAndAnEditedThresholdNamesTheFirstReceiptItChanges()
      throws Exception {
    Path file = Files.writeString(dir.resolve("packs.conf"), pack(80, 2));
    try (TestNode node = TestNode.start(config(file))) {
      String version = policyChain(node).stream()
          .filter(r -> r.policy().startsWith("base@")).findFirst().orElseThrow().messageId();
      HttpResponse<String> served = node.get("/policies/" + version);
      assertEquals(200, served.statusCode(), served.body());
      assertEquals("base", body(served).path("name").asText());
      assertEquals(80, body(served).path("pack").path("default_rule").path("act_above").asInt());
      HttpResponse<String> unknown = node.get("/policies/0000000000000000");
      assertEquals(404, unknown.statusCode());
      assertEquals("not_found", body(unknown).path("reason").asText());
      assertEquals(404, node.get("/tenants/" + PolicyRecords.CHAIN).statusCode(), "the policy chain is no tenant");

      double[] values = {35, 72, 95, 95, 20, 85, 88, 57, 54, 99, 99, 99, 10, 83, 65};
      for (int i = 0; i < 60; i++) {
        push(node, "m-" + i, values[i % values.length]);
      }
      Run fromNode = run("replay", "--url", node.uri("").toString(), "--tenant", TENANT);
      assertEquals(0, fromNode.code(), fromNode.out() + fromNode.err());
      assertTrue(fromNode.out().contains("replay ok"), fromNode.out());

      Path export = Files.createDirectories(dir.resolve("export"));
      List<String> lines = new ArrayList<>();
      Long firstChanged = null;
      for (JsonNode r : body(node.get("/tenants/" + TENANT + "/receipts?limit=1000")).path("receipts")) {
        lines.add(r.toString());
        double value = r.path("signal").path("value").asDouble(0);
        if (firstChanged == null && r.path("inputs").has("from.rule") && value > 80 && value <= 90) {
          firstChanged = r.path("seq").asLong();
        }
      }
      Files.write(export.resolve(ExportDir.RECEIPTS), lines);
      assertEquals(1, new PolicyClient(node.uri("").toString(), null).exportPolicies(export));
      Run offline = run("replay", "--export", export.toString(), "--tenant", TENANT);
      assertEquals(0, offline.code(), offline.out() + offline.err());

      Path policies = export.resolve(PolicyCommands.POLICIES);
      String stored = Files.readString(policies);
      String edited = stored.replace("\\\"act_above\\\":80,", "\\\"act_above\\\":90,");
      assertNotEquals(stored, edited);
      Files.writeString(policies, edited);
      Run changed = run("replay", "--export", export.toString(), "--tenant", TENANT);
      assertEquals(PolicyCommands.MISMATCH, changed.code(), changed.out() + changed.err());
      assertTrue(changed.out().contains("receipt seq " + firstChanged + " "), changed.out());
      assertTrue(changed.out().contains("act-above 90.0"), changed.out());
      assertTrue(changed.err().contains("it was changed since it was written"), changed.err());

      assertEquals(PolicyCommands.USAGE, run("replay", "--tenant", TENANT).code());
      assertEquals(PolicyCommands.USAGE, run("replay", "--url", "http://x", "--export", "d", "--tenant", "t").code());
      assertEquals(PolicyCommands.USAGE, run("replay", "--url").code());
    }
  }

  @Test
  void aReloadSwapsThePacksAndTenantsSwitchAtTheirNextSignalOrItIsRefusedAndTheOldPacksStay()
      throws Exception {
    Path file = Files.writeString(dir.resolve("packs.conf"), pack(80, 1));
    try (TestNode node = TestNode.start(config(file))) {
      String v1 = push(node, "a-1", 85).path("policy").asText();
      int records = policyChain(node).size();

      Files.writeString(file, pack(90, 1));
      Run checked = run("check-policies", file.toString());
      assertEquals(0, checked.code(), checked.err());
      assertEquals(401, node.post("/admin/policies/reload", "", AUTH, "Bearer wrong").statusCode());
      HttpResponse<String> reloaded = node.post("/admin/policies/reload", "", AUTH, ADMIN);
      assertEquals(200, reloaded.statusCode(), reloaded.body());
      String v2 = body(reloaded).path("packs").path("base").asText();
      assertNotEquals(v1, v2);
      assertEquals(v1, body(reloaded).path("previous").path("base").asText());
      assertTrue(checked.out().contains("base " + v2), checked.out());
      assertEquals(records + 1, policyChain(node).size(), "the new version is recorded");
      assertEquals(200, node.get("/policies/" + v2.substring(v2.indexOf('@') + 1)).statusCode());

      JsonNode next = push(node, "a-2", 85);
      assertEquals(v2, next.path("policy").asText());
      assertEquals("above_warn_threshold", next.path("reason").asText(), "85 no longer acts under act-above 90");
      JsonNode chain = body(node.get("/tenants/" + TENANT + "/receipts?limit=1000")).path("receipts");
      JsonNode switched = chain.get(chain.size() - 2);
      assertEquals("policy_changed", switched.path("reason").asText(), chain.toString());
      assertEquals(v2, switched.path("policy").asText());
      assertEquals(v1, switched.path("inputs").path("policy_was").asText());

      Files.writeString(file, pack(90, 0));
      Run bad = run("check-policies", file.toString());
      assertEquals(1, bad.code());
      HttpResponse<String> refused = node.post("/admin/policies/reload", "", AUTH, ADMIN);
      assertEquals(400, refused.statusCode(), refused.body());
      assertEquals("invalid_policy", body(refused).path("reason").asText());
      String detail = body(refused).path("detail").asText();
      assertTrue(detail.contains("autonomics.policy.packs.base.default-rule.act-after must be at least 1"), detail);
      assertTrue(bad.err().contains(detail), bad.err());
      JsonNode kept = push(node, "a-3", 85);
      assertEquals(v2, kept.path("policy").asText(), "the packs in use stay");
      assertEquals("above_warn_threshold", kept.path("reason").asText());

      Files.writeString(file, pack(90, 1));
      assertEquals(200, node.post("/admin/policies/reload", "", AUTH, ADMIN).statusCode());
      assertEquals(records + 1, policyChain(node).size(), "a version is recorded once");
      assertEquals(v2, push(node, "a-4", 85).path("policy").asText());
      assertTrue(body(node.get("/tenants/" + TENANT + "/verify")).path("valid").asBoolean());
      assertEquals(PolicyCommands.USAGE, run("check-policies").code());
    }
  }

  @Test
  void reloadNeedsTheAdminTokenAndAPackFile() throws Exception {
    try (TestNode node = TestNode.start("")) {
      HttpResponse<String> off = node.post("/admin/policies/reload", "", AUTH, ADMIN);
      assertEquals(403, off.statusCode());
      assertEquals("admin_disabled", body(off).path("reason").asText());
    }
    try (TestNode node = TestNode.start("autonomics.http.admin-token = \"s3cret\"")) {
      HttpResponse<String> none = node.post("/admin/policies/reload", "", AUTH, ADMIN);
      assertEquals(409, none.statusCode());
      assertEquals("no_policy_file", body(none).path("reason").asText());
    }
  }

  @Test
  void aRestartWritesNoVersionTwice() {
    Path ledger = dir.resolve("ledger");
    int records;
    try (TestNode node = TestNode.startRocks("", ledger)) {
      records = policyChain(node).size();
      assertEquals(3, records, "the three packs of reference.conf");
    }
    try (TestNode node = TestNode.startRocks("", ledger)) {
      assertEquals(records, policyChain(node).size());
    }
  }
}
