package tai.autonomics.http;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.tlog.ExportDir;

/**
 * A node's {@code GET /policies/{version}} as replay and export read it, with the read token when one is given.
 */
final class PolicyClient {
  private final NodeReads reads;

  PolicyClient(String url, String token) {
    this.reads = new NodeReads(url, token);
  }

  /** The record of {@code version}; null when the node has none (404). */
  Receipt record(String version) throws IOException {
    byte[] body = reads.get("/policies/" + version, false);
    return body == null ? null : Json.MAPPER.treeToValue(Json.MAPPER.readTree(body).path("receipt"), Receipt.class);
  }

  /**
   * After {@code export}: writes the policy record of every version the exported receipts name into
   * {@code policies.jsonl}, so the export replays offline. Returns how many.
   */
  int exportPolicies(Path dir) throws IOException {
    Set<String> versions = new LinkedHashSet<>();
    try (BufferedReader in = Files.newBufferedReader(dir.resolve(ExportDir.RECEIPTS), StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        String policy = Json.MAPPER.readTree(line).path("policy").asText("");
        if (policy.lastIndexOf('@') >= 0) {
          versions.add(policy.substring(policy.lastIndexOf('@') + 1));
        }
      }
    }
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(PolicyCommands.POLICIES), StandardCharsets.UTF_8)) {
      for (String version : versions) {
        Receipt record = record(version);
        if (record != null) {
          out.write(Json.MAPPER.writeValueAsString(record));
          out.write('\n');
        }
      }
    }
    return versions.size();
  }
}
