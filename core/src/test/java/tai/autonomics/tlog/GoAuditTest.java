package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our checkpoints and proofs, checked by Go's own sumdb/note and sumdb/tlog (docs/audit-go/main.go, built in GOPATH
 * mode from Debian's golang-go and golang-golang-x-mod-dev): it accepts them and refuses tampered ones. Runs only
 * where Go and those packages are installed.
 */
@EnabledIf("goAvailable")
class GoAuditTest {
  static final Path GOPATH = Path.of("/usr/share/gocode");
  static final String ORIGIN = "autonomics.example/tenant-1";

  @TempDir static Path dir;
  static Path binary;
  static NoteSigner log;
  static List<byte[]> entries;

  static boolean goAvailable() {
    boolean onPath = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
        .anyMatch(p -> Files.isExecutable(Path.of(p, "go")));
    return onPath && Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/sumdb/tlog")) && source() != null;
  }

  static Path source() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path main = p.resolve("docs/audit-go/main.go");
      if (Files.exists(main)) {
        return main;
      }
    }
    return null;
  }

  @BeforeAll
  static void build() throws Exception {
    binary = dir.resolve("audit-go");
    assertEquals(0, run(List.of("go", "build", "-o", binary.toString(), source().toString())), "go build");
    log = NoteSigner.of("autonomics.example", Ed25519Key.generate()).named(ORIGIN);
    entries = TestTrees.entries(1000);
  }

  @Test
  void goVerifiesOurCheckpointsAndProofsAndRefusesTamperedOnes() throws Exception {
    InMemoryTileStore store = new InMemoryTileStore();
    Checkpointer checkpointer = new Checkpointer(log, new FileSignedHeads(dir.resolve("heads")));
    TileAppender.Appended old = TileAppender.append(store, 0, entries.subList(0, 300));
    store.write(old.tiles());
    String oldNote = checkpointer.sign(ORIGIN, 300, old.root(), new TileHashReader(store, 300));
    TileAppender.Appended now = TileAppender.append(store, 300, entries.subList(300, 1000));
    store.write(now.tiles());
    TileHashReader reader = new TileHashReader(store, 1000);
    String note = checkpointer.sign(ORIGIN, 1000, now.root(), reader);
    Path checkpoint = write("checkpoint", note);
    Path oldCheckpoint = write("old", oldNote);
    Path proof = write("proof.tlog-proof", TlogProof.create(737, note, reader).format());
    Path consistency = write("consistency", HashLines.format(MerkleProofs.consistencyProof(300, 1000, reader)));
    String vkey = log.verifier().vkey();
    String entry = TestTrees.hex(entries.get(737));

    assertEquals(0, audit(vkey, checkpoint, proof, entry, oldCheckpoint, consistency));

    // another entry at that index; a changed root; a changed consistency hash; another key under the same name
    assertNotEquals(0, audit(vkey, checkpoint, proof, TestTrees.hex(entries.get(736)), oldCheckpoint, consistency));
    String root = Merkle.base64(now.root());
    Path forged = write("forged", note.replace(root, Merkle.base64(old.root())));
    assertNotEquals(0, audit(vkey, forged, proof, entry, oldCheckpoint, consistency));
    String cons = Files.readString(consistency);
    Path badCons = write("bad-consistency", (cons.charAt(0) == 'A' ? "B" : "A") + cons.substring(1));
    assertNotEquals(0, audit(vkey, checkpoint, proof, entry, oldCheckpoint, badCons));
    String stranger = NoteSigner.of(ORIGIN, Ed25519Key.generate()).verifier().vkey();
    assertNotEquals(0, audit(stranger, checkpoint, proof, entry, oldCheckpoint, consistency));
    // an old checkpoint of a forked history is not a prefix of the new one
    InMemoryTileStore forkStore = new InMemoryTileStore();
    List<byte[]> forked = new ArrayList<>(entries.subList(0, 300));
    forked.set(3, entries.get(999));
    TileAppender.Appended fork = TileAppender.append(forkStore, 0, forked);
    Path forkNote = write("fork", new Checkpoint(ORIGIN, 300, fork.root()).sign(log));
    assertNotEquals(0, audit(vkey, checkpoint, proof, entry, forkNote, consistency));
  }

  static int audit(String vkey, Path checkpoint, Path proof, String entry, Path old, Path consistency)
      throws Exception {
    return run(List.of(binary.toString(), "-vkey", vkey, "-checkpoint", checkpoint.toString(), "-proof",
        proof.toString(), "-entry", entry, "-old", old.toString(), "-consistency", consistency.toString()));
  }

  static Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  static int run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("GOPATH", GOPATH.toString());
    pb.environment().put("GO111MODULE", "off");
    pb.environment().putIfAbsent("GOCACHE", dir.resolve("gocache").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "go did not finish");
    System.out.println(String.join(" ", command.subList(0, Math.min(2, command.size()))) + ": " + out.strip());
    return p.exitValue();
  }
}
