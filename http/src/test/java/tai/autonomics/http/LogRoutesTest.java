package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.tlog.Checkpoint;
import tai.autonomics.tlog.EntryBundle;
import tai.autonomics.tlog.HashLines;
import tai.autonomics.tlog.Merkle;
import tai.autonomics.tlog.MerkleVerifier;
import tai.autonomics.tlog.NoteVerifier;
import tai.autonomics.tlog.TlogProof;

/**
 * The log routes over real HTTP against a node over RocksDB: the checkpoint verifies under the vkey the node
 * publishes, tiles, entry bundles and proofs are what the receipts make, bad parameters get 400 with a stable reason
 * and sizes beyond the tree 404, everything is behind the read token; and {@code audit --url} holds. A tenant id
 * with a space (and a plus, and a percent) has a percent-encoded origin, under which all of it holds too.
 */
class LogRoutesTest {
  static final String TENANT = "tenant-001";
  @TempDir static Path dir;
  static LogNode node;
  static NoteVerifier vkey;

  @BeforeAll
  static void start() throws Exception {
    node = LogNode.start(dir.resolve("data"));
    node.signals(TENANT, 300);
    node.signals("tenant-002", 5);
    node.signals(LogNode.SPACED, 20);
    node.awaitSigned(TENANT);
    node.awaitSigned("tenant-002");
    node.awaitSigned(LogNode.SPACED);
    vkey = NoteVerifier.parse(new String(node.get("/log/vkey", false).body(), StandardCharsets.UTF_8).strip());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static String log(String rest) {
    return "/tenants/" + TENANT + "/log/" + rest;
  }

  static void assertRefusal(HttpResponse<byte[]> response, int status, String reason) throws Exception {
    assertEquals(status, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    assertEquals(reason, node.json(response).path("reason").asText());
  }

  static List<byte[]> entries() throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode r : node.receipts(TENANT)) {
      out.add(HexFormat.of().parseHex(r.path("hash").asText()));
    }
    return out;
  }

  @Test
  void theCheckpointIsSignedUnderTheTenantsOriginAndCoversTheChain() throws Exception {
    NoteVerifier tenantKey = NoteVerifier.parse(node.text(log("vkey")).strip());
    assertEquals(LogNode.LOG_NAME + "/" + TENANT, tenantKey.name());
    assertArrayEquals(vkey.publicKey(), tenantKey.publicKey());
    Checkpoint head = Checkpoint.open(node.text(log("checkpoint")), tenantKey);
    List<byte[]> entries = entries();
    assertTrue(head.size() > 0 && head.size() <= entries.size());
    List<byte[]> leaves = new ArrayList<>();
    for (byte[] e : entries.subList(0, (int) head.size())) {
      leaves.add(Merkle.leafHash(e));
    }
    assertArrayEquals(Merkle.rootOf(leaves), head.root());
  }

  @Test
  void tilesAndEntryBundlesAreThoseOfTheReceipts() throws Exception {
    List<byte[]> entries = entries();
    byte[] tile = node.get(log("tile/0/000"), true).body();
    assertEquals(256 * 32, tile.length);
    assertArrayEquals(Merkle.leafHash(entries.get(255)), java.util.Arrays.copyOfRange(tile, 255 * 32, 256 * 32));
    List<byte[]> bundle = EntryBundle.decode(node.get(log("tile/entries/000"), true).body());
    assertEquals(256, bundle.size());
    assertArrayEquals(entries.get(17), bundle.get(17));
    int partial = entries.size() - 256;
    assertEquals(partial * 32, node.get(log("tile/0/001.p/" + partial), true).body().length);
    assertRefusal(node.get(log("tile/0/001.p/" + (partial + 1)), true), 404, "beyond_tree");
    assertRefusal(node.get(log("tile/0/002"), true), 404, "beyond_tree");
    assertRefusal(node.get(log("tile/0/01"), true), 400, "invalid_tile_path");
    assertRefusal(node.get(log("tile/0/000.p/256"), true), 400, "invalid_tile_path");
    assertRefusal(node.get(log("tile/x/000"), true), 400, "invalid_tile_path");
  }

  @Test
  void inclusionProofsByIndexAndByReceiptVerify() throws Exception {
    NoteVerifier tenantKey = NoteVerifier.parse(node.text(log("vkey")).strip());
    List<JsonNode> receipts = node.receipts(TENANT);
    TlogProof byIndex = TlogProof.parse(node.text(log("proof/inclusion?index=200")));
    Checkpoint head = byIndex.verify(Merkle.leafHash(HexFormat.of().parseHex(receipts.get(200).path("hash")
        .asText())), tenantKey);
    assertEquals(200, byIndex.index());
    String id = receipts.get(42).path("id").asText();
    TlogProof byReceipt = TlogProof.parse(node.text(log("proof/inclusion?receipt=" + id)));
    assertEquals(42, byReceipt.index());
    byReceipt.verify(Merkle.leafHash(HexFormat.of().parseHex(receipts.get(42).path("hash").asText())), tenantKey);
    TlogProof sized = TlogProof.parse(node.text(log("proof/inclusion?index=3&size=" + head.size())));
    assertEquals(head.size(), sized.verify(Merkle.leafHash(HexFormat.of().parseHex(receipts.get(3).path("hash")
        .asText())), tenantKey).size());

    assertRefusal(node.get(log("proof/inclusion?index=" + head.size()), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/inclusion?index=-1"), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/inclusion?index=abc"), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/inclusion"), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/inclusion?index=1&receipt=" + id), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/inclusion?index=1&size=100000"), true), 404, "beyond_tree");
    assertRefusal(node.get(log("proof/inclusion?receipt=nope"), true), 404, "not_found");
    assertRefusal(node.get("/tenants/nobody/log/checkpoint", true), 404, "not_found");
  }

  @Test
  void consistencyProofsVerifyAndBadSizesAreRefused() throws Exception {
    List<byte[]> entries = entries();
    int n = entries.size();
    List<byte[]> proof = HashLines.parse(node.text(log("proof/consistency?old=100&new=" + n)));
    assertTrue(MerkleVerifier.verifyConsistency(100, n, root(entries, 100), root(entries, n), proof));
    assertEquals("", node.text(log("proof/consistency?old=" + n + "&new=" + n)));
    assertRefusal(node.get(log("proof/consistency?old=10&new=" + (n + 1)), true), 404, "beyond_tree");
    assertRefusal(node.get(log("proof/consistency?old=11&new=10"), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/consistency?old=1"), true), 400, "invalid_parameter");
    assertRefusal(node.get(log("proof/consistency?old=x&new=2"), true), 400, "invalid_parameter");
  }

  @Test
  void aTenantIdWithASpaceHasAPercentEncodedOriginWhoseCheckpointAndProofsVerify() throws Exception {
    String tenant = LogNode.SPACED;
    String log = LogNode.tenantPath(tenant) + "/log/";
    String origin = LogNode.LOG_NAME + "/acme%20west%2B1%25";
    NoteVerifier tenantKey = NoteVerifier.parse(node.text(log + "vkey").strip());
    assertEquals(origin, tenantKey.name());
    assertArrayEquals(vkey.publicKey(), tenantKey.publicKey());
    String note = node.text(log + "checkpoint");
    assertTrue(note.startsWith(origin + "\n"), note);
    assertTrue(note.contains("\n\u2014 " + origin + " "), "the signature line names the origin: " + note);
    Checkpoint head = Checkpoint.open(note, tenantKey);
    List<JsonNode> receipts = node.receipts(tenant);
    assertEquals(21, receipts.size(), "its seeded entitlement and the 20 decisions");
    assertEquals(tenant, receipts.get(0).path("tenant_id").asText(), "the receipts keep the id as sent");
    assertEquals(receipts.size(), head.size());
    List<byte[]> entries = new ArrayList<>();
    receipts.forEach(r -> entries.add(HexFormat.of().parseHex(r.path("hash").asText())));
    assertArrayEquals(root(entries, entries.size()), head.root());
    String id = receipts.get(7).path("id").asText();
    TlogProof proof = TlogProof.parse(node.text(log + "proof/inclusion?receipt=" + id));
    assertEquals(7, proof.index());
    assertEquals(head.size(), proof.verify(Merkle.leafHash(entries.get(7)), tenantKey).size());
    assertEquals(0, audit("--url", node.url(), "--tenant", tenant, "--vkey", vkey.vkey(), "--token", LogNode.TOKEN),
        out.toString());
    assertEquals(0, audit("--url", node.url(), "--tenant", tenant, "--vkey", tenantKey.vkey(), "--token",
        LogNode.TOKEN), out.toString());
  }

  @Test
  void everyTenantRouteNeedsTheReadToken() throws Exception {
    for (String rest : List.of("checkpoint", "vkey", "tile/0/000", "tile/entries/000", "proof/inclusion?index=1",
        "proof/consistency?old=1&new=2")) {
      assertRefusal(node.get(log(rest), false), 401, "unauthorized");
    }
    assertEquals(200, node.get("/log/vkey", false).statusCode());
  }

  @Test
  void auditOfTheLiveNodeHoldsAndSavesItsState() throws Exception {
    Path state = dir.resolve("audit-state");
    assertEquals(0, audit("--url", node.url(), "--tenant", TENANT, "--vkey", vkey.vkey(), "--token", LogNode.TOKEN,
        "--state", state.toString()), out.toString());
    assertTrue(Files.readString(state).startsWith(LogNode.LOG_NAME + "/" + TENANT + "\n"));
    assertEquals(0, audit("--url", node.url(), "--tenant", "tenant-002", "--vkey", vkey.vkey(), "--token",
        LogNode.TOKEN), out.toString());
    assertEquals(LogCommands.USAGE, audit("--url", node.url(), "--tenant", TENANT));
    assertEquals(LogCommands.UNREACHABLE, audit("--url", node.url(), "--tenant", TENANT, "--vkey", vkey.vkey()));
  }

  static final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static int audit(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "audit";
    System.arraycopy(args, 0, all, 1, args.length);
    out.reset();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    return LogCommands.run(all, print, print);
  }

  static byte[] root(List<byte[]> entries, int size) {
    List<byte[]> leaves = new ArrayList<>();
    for (byte[] e : entries.subList(0, size)) {
      leaves.add(Merkle.leafHash(e));
    }
    return Merkle.rootOf(leaves);
  }
}
