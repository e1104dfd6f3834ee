package tai.autonomics.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GETs of a node's read routes, with the read token when one is given: what the audit and replay commands read. */
final class NodeReads {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  NodeReads(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  /** The body of a 200; null for a 404 unless {@code required}; an IOException naming the status otherwise. */
  byte[] get(String path, boolean required) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
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
    if (response.statusCode() == 200) {
      return response.body();
    }
    if (response.statusCode() == 404 && !required) {
      return null;
    }
    throw new IOException("GET " + base + path + " answered " + response.statusCode() + ": "
        + new String(response.body(), StandardCharsets.UTF_8).strip());
  }
}
