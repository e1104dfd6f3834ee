package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;
import tai.autonomics.tlog.Checkpoint;
import tai.autonomics.tlog.HashLines;
import tai.autonomics.tlog.MerkleVerifier;
import tai.autonomics.tlog.NoteKeyFile;
import tai.autonomics.tlog.NoteSigner;
import tai.autonomics.tlog.NoteVerifier;

/**
 * {@code audit} finds and names every kind of tampering in an export (a receipt changed, deleted or moved, a tile
 * byte, a checkpoint whose root is not the tiles'), and a restarted node keeps its tree equal to its chain with the
 * next checkpoint consistent with the one audited before.
 */
class LogAuditTest {
  static final String TENANT = "tenant-001";
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  int command(String... args) {
    out.reset();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    return LogCommands.run(args, print, print);
  }

  int audit(Path export, String vkey) {
    return command("audit", "--export", export.toString(), "--tenant", TENANT, "--vkey", vkey);
  }

  @Test
  void tamperingIsDetectedAndNamedAndARestartContinuesTheTree() throws Exception {
    Path data = dir.resolve("data");
    Path state = dir.resolve("state");
    Path export = dir.resolve("export");
    String vkey;
    String firstNote;
    try (LogNode node = LogNode.start(data)) {
      node.signals(TENANT, 300);
      vkey = new String(node.get("/log/vkey", false).body(), StandardCharsets.UTF_8).strip();
      assertEquals(0, command("export", "--url", node.url(), "--tenant", TENANT, "--out", export.toString(),
          "--token", LogNode.TOKEN), out::toString);
      assertEquals(0, command("audit", "--url", node.url(), "--tenant", TENANT, "--vkey", vkey, "--token",
          LogNode.TOKEN, "--state", state.toString()), out::toString);
      firstNote = Files.readString(state);
    }
    assertEquals(0, audit(export, vkey), out::toString);
    List<String> lines = Files.readAllLines(export.resolve("receipts.jsonl"));
    long size = Checkpoint.parse(body(Files.readString(export.resolve("checkpoint")))).size();

    Path changed = copy(export, "changed");
    ObjectNode receipt = (ObjectNode) Json.MAPPER.readTree(lines.get(10));
    receipt.put("timestamp", receipt.path("timestamp").asLong() + 1);
    List<String> edited = new ArrayList<>(lines);
    edited.set(10, Json.MAPPER.writeValueAsString(receipt));
    Files.write(changed.resolve("receipts.jsonl"), edited);
    assertFailed(changed, vkey, "receipt " + id(lines, 10) + " (seq ", "hash does not match");

    Path deleted = copy(export, "deleted");
    edited = new ArrayList<>(lines);
    edited.remove(50);
    Files.write(deleted.resolve("receipts.jsonl"), edited);
    assertFailed(deleted, vkey, "receipt " + id(lines, 51) + " (seq ", "prev_hash");

    Path reordered = copy(export, "reordered");
    edited = new ArrayList<>(lines);
    Collections.swap(edited, 60, 61);
    Files.write(reordered.resolve("receipts.jsonl"), edited);
    assertFailed(reordered, vkey, "receipt " + id(lines, 61) + " (seq ", "prev_hash");

    Path truncated = copy(export, "truncated");
    Files.write(truncated.resolve("receipts.jsonl"), lines.subList(0, (int) size - 1));
    assertFailed(truncated, vkey, "checkpoint: it covers " + size, "receipts missing");

    Path tile = copy(export, "tile");
    byte[] bytes = Files.readAllBytes(tile.resolve("tile/0/000"));
    bytes[100] ^= 1;
    Files.write(tile.resolve("tile/0/000"), bytes);
    assertFailed(tile, vkey, "tile/0/000: byte 100 differs", "");

    Path bundle = copy(export, "bundle");
    bytes = Files.readAllBytes(bundle.resolve("tile/entries/000"));
    bytes[40] ^= 1;
    Files.write(bundle.resolve("tile/entries/000"), bytes);
    assertFailed(bundle, vkey, "tile/entries/000: byte 40 differs", "");

    // a checkpoint signed with the log's own key over another root: the signature holds, the root does not
    Path root = copy(export, "root");
    NoteSigner key = NoteKeyFile.load(data.resolve("log/signer.key")).named(LogNode.LOG_NAME + "/" + TENANT);
    Files.writeString(root.resolve("checkpoint"), new Checkpoint(key.name(), size, new byte[32]).sign(key));
    assertFailed(root, vkey, "checkpoint: its root", "is not the root of the tiles");

    Path stranger = copy(export, "stranger");
    String otherKey = NoteSigner.of(LogNode.LOG_NAME, tai.autonomics.tlog.Ed25519Key.generate()).verifier().vkey();
    assertFailed(stranger, otherKey, "checkpoint: ", "");

    // restart: the tree goes on from the chain, and the next checkpoint extends the one audited before
    try (LogNode node = LogNode.start(data)) {
      node.signals(TENANT, 20);
      List<JsonNode> receipts = node.receipts(TENANT);
      NoteVerifier tenantKey = NoteVerifier.parse(node.text("/tenants/" + TENANT + "/log/vkey").strip());
      Checkpoint before = Checkpoint.open(firstNote, tenantKey);
      String note = node.text("/tenants/" + TENANT + "/log/checkpoint");
      Checkpoint after = Checkpoint.open(note, tenantKey);
      assertTrue(after.size() > before.size() && after.size() <= receipts.size());
      List<byte[]> proof = HashLines.parse(node.text("/tenants/" + TENANT + "/log/proof/consistency?old="
          + before.size() + "&new=" + after.size()));
      assertTrue(MerkleVerifier.verifyConsistency(before.size(), after.size(), before.root(), after.root(), proof));
      assertEquals(0, command("audit", "--url", node.url(), "--tenant", TENANT, "--vkey", vkey, "--token",
          LogNode.TOKEN, "--state", state.toString()), out::toString);
      assertTrue(Files.readString(state).contains("\n" + after.size() + "\n") || Checkpoint.parse(
          body(Files.readString(state))).size() >= after.size());
    }
    // the state only moves forward: an audit of the older export against it is refused and leaves it as it was
    String saved = Files.readString(state);
    assertEquals(LogCommands.FAILED, command("audit", "--export", export.toString(), "--tenant", TENANT, "--vkey",
        vkey, "--state", state.toString()));
    assertTrue(out.toString().contains("is below the saved checkpoint"), out::toString);
    assertArrayEquals(saved.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(state));
  }

  void assertFailed(Path export, String vkey, String names, String says) {
    assertEquals(LogCommands.FAILED, audit(export, vkey), out::toString);
    String text = out.toString();
    assertTrue(text.contains(names) && text.contains(says), text);
  }

  static String id(List<String> lines, int i) throws IOException {
    return Json.MAPPER.readTree(lines.get(i)).path("id").asText();
  }

  static String body(String note) {
    return note.substring(0, note.indexOf("\n\n") + 1);
  }

  Path copy(Path from, String name) throws IOException {
    Path to = dir.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }
}
