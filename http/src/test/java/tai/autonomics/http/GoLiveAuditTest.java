package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Go's own sumdb/note and sumdb/tlog (docs/audit-go/main.go, GOPATH mode, Debian's golang-go and
 * golang-golang-x-mod-dev) verify a live node's checkpoint, an inclusion proof and a consistency proof, and refuse a
 * proof for another entry; for a plain tenant id and for one whose origin is percent-encoded (docs/RECEIPTS.md). Skipped where Go is not installed, unless {@code TAI_REQUIRE_GO=1} (CI sets it): then a
 * missing Go fails the build instead of skipping the test.
 */
class GoLiveAuditTest {
  static final Path GOPATH = Path.of("/usr/share/gocode");
  static final String TENANT = "tenant-001";
  @TempDir Path dir;

  static boolean goInstalled() {
    boolean onPath = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
        .anyMatch(p -> Files.isExecutable(Path.of(p, "go")));
    return onPath && Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/sumdb/tlog"));
  }

  static Path source() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("docs/audit-go/main.go"))) {
        return p.resolve("docs/audit-go/main.go");
      }
    }
    throw new AssertionError("docs/audit-go/main.go not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void goVerifiesALiveNodesCheckpointAndProofs() throws Exception {
    if (!goInstalled()) {
      if ("1".equals(System.getenv("TAI_REQUIRE_GO"))) {
        throw new AssertionError("TAI_REQUIRE_GO=1 but go or golang-golang-x-mod-dev is not installed");
      }
      Assumptions.abort("go and golang-golang-x-mod-dev are not installed");
    }
    Path binary = dir.resolve("audit-go");
    assertEquals(0, run(List.of("go", "build", "-o", binary.toString(), source().toString())), "go build");
    try (LogNode node = LogNode.start(dir.resolve("data"))) {
      // the second tenant's origin is percent-encoded (a space, a plus, a percent): Go's note package takes it too
      for (String tenant : List.of(TENANT, LogNode.SPACED)) {
        audit(node, binary, tenant);
      }
    }
  }

  private void audit(LogNode node, Path binary, String tenant) throws Exception {
    node.signals(tenant, 260);
    String log = LogNode.tenantPath(tenant) + "/log/";
    Path old = write("old", node.text(log + "checkpoint"));
    node.signals(tenant, 40);
    List<JsonNode> receipts = node.receipts(tenant);
    int size = receipts.size();
    Path proof = write("proof", node.text(log + "proof/inclusion?index=123&size=" + size));
    Path checkpoint = write("checkpoint", node.text(log + "checkpoint"));
    long oldSize = Long.parseLong(Files.readString(old).split("\n")[1]);
    Path consistency = write("consistency", node.text(log + "proof/consistency?old=" + oldSize + "&new=" + size));
    String vkey = node.text(log + "vkey").strip();
    String entry = receipts.get(123).path("hash").asText();
    List<String> args = List.of(binary.toString(), "-vkey", vkey, "-checkpoint", checkpoint.toString(), "-proof",
        proof.toString(), "-entry", entry, "-old", old.toString(), "-consistency", consistency.toString());
    assertEquals(0, run(args), "audit-go of " + tenant);
    List<String> wrongEntry = new java.util.ArrayList<>(args);
    wrongEntry.set(wrongEntry.indexOf(entry), receipts.get(124).path("hash").asText());
    assertNotEquals(0, run(wrongEntry), "audit-go with another entry of " + tenant);
  }

  Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  int run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("GOPATH", GOPATH.toString());
    pb.environment().put("GO111MODULE", "off");
    pb.environment().putIfAbsent("GOCACHE", dir.resolve("gocache").toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("go did not finish");
    }
    System.out.println(command.get(0) + ": " + output.strip());
    return p.exitValue();
  }
}
