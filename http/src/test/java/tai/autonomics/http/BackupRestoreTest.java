package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.RocksReceiptStore;

/**
 * docs/OPERATIONS.md's backup and restore, done as an operator does it: POST /admin/backup on a running node, more
 * receipts after it, then the node stopped, the backup copied in as the ledger of a new data directory, a node
 * started on it, and every chain verified there.
 */
class BackupRestoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTH = "Authorization";

  @TempDir
  Path dir;

  private String config(Path dataDir, String adminToken) {
    return """
        autonomics.ledger.data-dir = "%s"
        autonomics.http.admin-token = "%s"
        autonomics.http.admin-name = "ops-oncall"
        """.formatted(dataDir.toString().replace("\\", "\\\\"), adminToken);
  }

  @Test
  void aBackupTakenOnlineRestoresIntoANodeWhoseChainsVerify() throws Exception {
    Path first = dir.resolve("first");
    Path backup;
    long signalsBefore = 20;
    try (TestNode node = TestNode.startRocks(config(first, "s3cret"), first.resolve("ledger"))) {
      for (int i = 0; i < signalsBefore; i++) {
        String tenant = i % 2 == 0 ? "acme" : "globex";
        assertEquals(200, node.post("/pubsub", TestNode.envelope("m-" + i,
            TestNode.signal(tenant, "cpu", String.valueOf(10 + i)))).statusCode());
      }
      assertEquals(401, node.post("/admin/backup", "", AUTH, "Bearer wrong").statusCode());
      HttpResponse<String> answer = node.post("/admin/backup", "", AUTH, "Bearer s3cret");
      assertEquals(200, answer.statusCode(), answer.body());
      JsonNode body = JSON.readTree(answer.body());
      assertEquals("ops-oncall", body.path("by").asText());
      backup = Path.of(body.path("path").asText());
      assertTrue(backup.startsWith(first.resolve("backups").toAbsolutePath()), backup.toString());
      long contained = body.path("contains_seq_up_to").asLong();
      assertTrue(contained >= signalsBefore, answer.body());
      // written after the backup: not in it
      assertEquals(200, node.post("/pubsub", TestNode.envelope("m-after",
          TestNode.signal("acme", "cpu", "11"))).statusCode());
    }

    Path restored = dir.resolve("restored");
    Files.createDirectories(restored);
    copy(backup, restored.resolve("ledger"));
    try (RocksReceiptStore store = RocksReceiptStore.open(restored.resolve("ledger"))) {
      ChainVerifier.Result all = ChainVerifier.verifyAll(store);
      assertTrue(all.valid(), all.toString());
      String subscription = "projects/p/subscriptions/s";
      assertTrue(store.findByMessageId(new MessageKey("globex", subscription, "m-" + (signalsBefore - 1)))
          .isPresent());
      assertTrue(store.findByMessageId(new MessageKey("acme", subscription, "m-after")).isEmpty(),
          "a receipt written after the backup is not in it");
    }
    try (TestNode node = TestNode.startRocks(config(restored, ""), restored.resolve("ledger"))) {
      for (String tenant : new String[] {"acme", "globex"}) {
        JsonNode verified = JSON.readTree(node.get("/tenants/" + tenant + "/verify").body());
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("count").asLong() >= signalsBefore / 2, verified.toString());
      }
      // the restored node goes on writing the chains where the backup left them
      assertEquals(200, node.post("/pubsub", TestNode.envelope("m-after",
          TestNode.signal("acme", "cpu", "12"))).statusCode());
      assertTrue(JSON.readTree(node.get("/tenants/acme/verify").body()).path("valid").asBoolean());
      HttpResponse<String> off = node.post("/admin/backup", "", AUTH, "Bearer anything");
      assertEquals(403, off.statusCode(), off.body());
      assertEquals("admin_disabled", JSON.readTree(off.body()).path("reason").asText());
    }
  }

  @Test
  void aStoreWithoutCheckpointsAnswersConflict() throws Exception {
    try (TestNode node = TestNode.start(config(dir, "s3cret"))) {
      HttpResponse<String> answer = node.post("/admin/backup", "", AUTH, "Bearer s3cret");
      assertEquals(409, answer.statusCode(), answer.body());
      assertEquals("backup_unsupported", JSON.readTree(answer.body()).path("reason").asText());
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(file -> {
        try {
          Files.copy(file, to.resolve(from.relativize(file).toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
