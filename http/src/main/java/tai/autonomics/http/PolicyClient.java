package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.tlog.ExportDir;

/**
 * A node's {@code GET /policies/{version}} as replay and export read it, with the read token when one is given.
 */
final class PolicyClient {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  PolicyClient(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  /** The record of {@code version}; null when the node has none (404). */
  Receipt record(String version) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/policies/" + version))
        .timeout(Duration.ofSeconds(60));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() == 404) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET " + base + "/policies/" + version + " answered " + response.statusCode() + ": "
          + new String(response.body(), StandardCharsets.UTF_8).strip());
    }
    JsonNode body = Json.MAPPER.readTree(response.body());
    return Json.MAPPER.treeToValue(body.path("receipt"), Receipt.class);
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
