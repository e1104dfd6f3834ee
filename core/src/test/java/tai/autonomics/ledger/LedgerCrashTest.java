package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of durable appends: a child JVM appends from many threads and prints every acknowledged
 * receipt; it is killed (SIGKILL) at a random moment, five times over the same directory. After each kill every
 * acknowledged receipt is in the store with its seq, seqs run without gaps, and every tenant chain verifies.
 */
class LedgerCrashTest {
  private static final int ROUNDS = 5;
  /** A loaded machine starts a JVM slowly; once appending, a kill comes after at most this long. */
  private static final long START_DEADLINE_MS = 30_000;
  private static final long APPEND_DEADLINE_MS = 4_000;

  @TempDir
  Path dir;

  @TempDir
  Path logs;

  /** What one child printed before it died. */
  private record Ack(long seq, String id, String tenant) {}

  @Test
  void everyAcknowledgedReceiptSurvivesKillNine() throws Exception {
    Random random = new Random();
    long lastSeq = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      int killAfter = 50 + random.nextInt(1500);
      List<Ack> acks = runAndKill(killAfter, logs.resolve("child-" + round + ".log"));
      int r = round;
      assertTrue(!acks.isEmpty(), () -> "round " + r + ": the child acknowledged nothing before it was killed; "
          + "its stderr:\n" + tail(logs.resolve("child-" + r + ".log")));
      try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
        for (Ack ack : acks) {
          Receipt stored = store.get(ack.id()).orElseThrow(
              () -> new AssertionError("acknowledged receipt lost: " + ack));
          assertEquals(ack.seq(), stored.seq());
          assertEquals(ack.tenant(), stored.tenantId());
        }
        assertTrue(store.lastSeq() >= lastSeq, "the ledger never shrinks");
        lastSeq = store.lastSeq();
        ChainVerifier.Result all = ChainVerifier.verifyAll(store);
        assertTrue(all.valid(), () -> "ledger broken: " + all);
        assertEquals(lastSeq, all.count(), "seq runs 1.." + lastSeq + " without gaps");
        Set<String> tenants = new HashSet<>();
        store.scan(0, Integer.MAX_VALUE).forEach(receipt -> tenants.add(receipt.tenantId()));
        for (String tenant : tenants) {
          ChainVerifier.Result chain = ChainVerifier.verifyTenant(store, tenant);
          assertTrue(chain.valid(), () -> tenant + " broken: " + chain);
        }
      }
    }
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private List<Ack> runAndKill(int killAfter, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and the serial collector: the child starts in about half the time, and speed is not what it tests
    Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        CrashAppender.class.getName(), dir.toString(), "32")
        .redirectError(log.toFile())
        .start();
    List<Ack> acks = new ArrayList<>();
    AtomicInteger count = new AtomicInteger();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    CompletableFuture<Void> enough = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith("READY")) {
            ready.complete(null);
          }
          String[] parts = line.split(" ");
          // a line cut by the kill lacks its final "."
          if (parts.length == 5 && parts[0].equals("ACK") && parts[4].equals(".")) {
            synchronized (acks) {
              acks.add(new Ack(Long.parseLong(parts[1]), parts[2], parts[3]));
            }
            if (count.incrementAndGet() >= killAfter) {
              enough.complete(null);
            }
          }
        }
      } catch (Exception e) {
        // the pipe closes when the child dies
      } finally {
        ready.complete(null);
        enough.complete(null);
      }
    });
    reader.start();
    try {
      ready.get(START_DEADLINE_MS, TimeUnit.MILLISECONDS);
      enough.get(APPEND_DEADLINE_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // slow machine: kill it where it stands
    }
    child.destroyForcibly();
    assertTrue(child.waitFor(10, TimeUnit.SECONDS), "killed child did not exit");
    reader.join(10_000);
    synchronized (acks) {
      return List.copyOf(acks);
    }
  }
}
