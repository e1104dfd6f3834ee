package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tai.autonomics.tlog.Checkpoint;
import tai.autonomics.tlog.HashLines;
import tai.autonomics.tlog.MerkleVerifier;
import tai.autonomics.tlog.NoteVerifier;

/**
 * docs/OPERATIONS.md, "Backup and restore", for the tenants' logs: a node signs checkpoints, an operator takes a
 * backup (POST /admin/backup), the node writes and signs more, stops, and the backup is put in place of its ledger
 * while its signed heads stay. Restarted, a tenant whose tree is now behind its last signed checkpoint gets no new
 * checkpoint, however its tree grows (nothing that would fork its log is signed, served or recorded): its checkpoint
 * and proofs answer 409 {@code checkpoint_refused} saying why, and the signing cadence logs it. A tenant the backup
 * lost nothing of is signed as before, in the same rounds. Real parts: RocksDB in a temp dir, the node's backup
 * route, its signer and its cadence.
 */
class RestoreBehindCheckpointTest {
  private static final String ADMIN = "restore-admin";
  private static final String BEHIND = "tenant-001";
  private static final String INTACT = "tenant-002";
  private static final String CONFIG = """
      autonomics.http.admin-token = "%s"
      autonomics.ledger.checkpoint-interval = 100ms
      """.formatted(ADMIN);

  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> signingLog = new ListAppender<>();
  private int messages;

  @BeforeEach
  void captureSigningLog() {
    signingLog.start();
    ((Logger) LoggerFactory.getLogger(LogSigning.class)).addAppender(signingLog);
  }

  @AfterEach
  void releaseSigningLog() {
    ((Logger) LoggerFactory.getLogger(LogSigning.class)).detachAppender(signingLog);
  }

  @Test
  void aTenantRestoredBehindItsSignedCheckpointIsNeverSignedAgainAndTheOthersAre() throws Exception {
    Path dataDir = dir.resolve("data");
    String behindCheckpoint;
    String intactCheckpoint;
    NoteVerifier behindKey;
    NoteVerifier intactKey;
    Path backup;
    try (LogNode node = LogNode.start(dataDir, CONFIG)) {
      push(node, BEHIND, 5);
      push(node, INTACT, 5);
      node.awaitSigned(BEHIND);
      node.awaitSigned(INTACT);
      intactCheckpoint = node.text(log(INTACT, "checkpoint"));
      behindKey = NoteVerifier.parse(node.text(log(BEHIND, "vkey")).strip());
      intactKey = NoteVerifier.parse(node.text(log(INTACT, "vkey")).strip());
      HttpResponse<String> answer = node.client.send(HttpRequest.newBuilder(URI.create(node.url() + "/admin/backup"))
          .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      backup = Path.of(tai.autonomics.Json.MAPPER.readTree(answer.body()).path("path").asText());
      // after the backup: the behind tenant's tree grows and is signed; the backup will lose those receipts
      push(node, BEHIND, 4);
      node.awaitSigned(BEHIND);
      behindCheckpoint = node.text(log(BEHIND, "checkpoint"));
    }
    Checkpoint lastSigned = Checkpoint.open(behindCheckpoint, behindKey);
    Checkpoint intactSigned = Checkpoint.open(intactCheckpoint, intactKey);
    List<String> recordedForBehind = recorded(dataDir, origin(BEHIND));
    assertEquals(lastSigned.body(), recordedForBehind.get(recordedForBehind.size() - 1));

    // the operator's restore: the backup in place of the ledger; the signed heads and the key stay
    Files.move(dataDir.resolve("ledger"), dataDir.resolve("ledger.before-restore"));
    copy(backup, dataDir.resolve("ledger"));

    try (LogNode node = LogNode.start(dataDir, CONFIG)) {
      long restored = node.receipts(BEHIND).size();
      assertTrue(restored < lastSigned.size(), restored + " receipts restored, " + lastSigned.size() + " signed");
      assertEquals(intactSigned.size(), node.receipts(INTACT).size(), "the backup holds all of " + INTACT);
      assertRefused(node, BEHIND, "is behind its last signed checkpoint (size " + lastSigned.size() + ")");

      // both trees grow; the behind one past its old signed size, with other receipts than the signed ones
      push(node, BEHIND, (int) (lastSigned.size() - restored) + 2);
      push(node, INTACT, 3);
      long intactSize = node.receipts(INTACT).size();
      // the cadence signs the intact tenant on its own (no request asks for it) and logs the behind one's refusal
      await(() -> lastRecorded(dataDir, origin(INTACT)).size() == intactSize, "the cadence signs " + INTACT);
      await(() -> logged(origin(BEHIND)), "the cadence logs the refusal for " + BEHIND);
      assertTrue(node.receipts(BEHIND).size() > lastSigned.size());
      assertRefused(node, BEHIND, "is not consistent with its last signed checkpoint (size " + lastSigned.size() + ")");
      assertEquals(409, node.get(log(BEHIND, "proof/inclusion?index=0"), true).statusCode());

      String intactNow = node.text(log(INTACT, "checkpoint"));
      Checkpoint intactNext = Checkpoint.open(intactNow, intactKey);
      assertEquals(intactSize, intactNext.size());
      List<byte[]> proof = HashLines.parse(node.text(log(INTACT, "proof/consistency?old=" + intactSigned.size()
          + "&new=" + intactNext.size())));
      assertTrue(MerkleVerifier.verifyConsistency(intactSigned.size(), intactNext.size(), intactSigned.root(),
          intactNext.root(), proof), "the intact tenant's log goes on consistently");
    }
    // nothing was recorded (so nothing signed) for the behind tenant after the restore; a normal stop logs nothing
    assertEquals(recordedForBehind, recorded(dataDir, origin(BEHIND)));
    for (ILoggingEvent event : signingLog.list) {
      String line = event.getFormattedMessage();
      assertTrue(line.contains(origin(BEHIND)) && line.contains("restored from a backup"), line);
      assertFalse(line.contains("closed"), line);
    }
  }

  private void assertRefused(LogNode node, String tenant, String why) throws Exception {
    HttpResponse<byte[]> answer = node.get(log(tenant, "checkpoint"), true);
    JsonNode body = node.json(answer);
    assertEquals(409, answer.statusCode(), body.toString());
    assertEquals("checkpoint_refused", body.path("reason").asText());
    String detail = body.path("detail").asText();
    assertTrue(detail.contains(origin(tenant)) && detail.contains(why), detail);
  }

  private boolean logged(String text) {
    return signingLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  /** Signals of a steady value (no transition, no action that would write later), each answered once durable. */
  private void push(LogNode node, String tenant, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      String data = "{\"tenant_id\":\"%s\",\"metric\":\"cpu\",\"value\":10}".formatted(tenant);
      String body = """
          {"message":{"data":"%s","messageId":"restore-%d","publishTime":"%s","attributes":{}},
           "subscription":"projects/p/subscriptions/s"}""".formatted(
          Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)), ++messages,
          java.time.Instant.now());
      HttpResponse<String> answer = node.client.send(HttpRequest.newBuilder(URI.create(node.url() + "/pubsub"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
    }
  }

  private static String log(String tenant, String rest) {
    return "/tenants/" + tenant + "/log/" + rest;
  }

  private static String origin(String tenant) {
    return LogNode.LOG_NAME + "/" + tenant;
  }

  /** The checkpoint bodies recorded for {@code origin} in the node's signed-heads journal, oldest first. */
  private static List<String> recorded(Path dataDir, String origin) {
    try {
      String[] lines = Files.readString(dataDir.resolve("log/signed-heads/signed-heads.log")).split("\n");
      List<String> out = new ArrayList<>();
      for (int at = 0; at + 2 < lines.length; at += 3) {
        if (lines[at].equals(origin)) {
          out.add(lines[at] + "\n" + lines[at + 1] + "\n" + lines[at + 2] + "\n");
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Checkpoint lastRecorded(Path dataDir, String origin) {
    List<String> bodies = recorded(dataDir, origin);
    try {
      return Checkpoint.parse(bodies.get(bodies.size() - 1));
    } catch (tai.autonomics.tlog.NoteException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50); // the cadence announces nothing: poll, bounded above
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, to.resolve(from.relativize(file).toString()));
      }
    }
  }
}
