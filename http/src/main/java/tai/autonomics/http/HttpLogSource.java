package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.tlog.LogSource;
import tai.autonomics.tlog.TilePath;

/** A tenant's log read from a node's HTTP routes, with the read token when one is given. */
final class HttpLogSource implements LogSource {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String tenantPath;
  private final String token;

  HttpLogSource(String url, String tenant, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.tenantPath = "/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8).replace("+", "%20");
    this.token = token;
  }

  @Override
  public String checkpoint() throws IOException {
    return new String(get(tenantPath + "/log/checkpoint", true), StandardCharsets.UTF_8);
  }

  @Override
  public List<Receipt> receipts(long afterSeq, int limit) throws IOException {
    JsonNode page = Json.MAPPER.readTree(get(tenantPath + "/receipts?after=" + afterSeq + "&limit=" + limit, true));
    List<Receipt> out = new ArrayList<>();
    for (JsonNode r : page.path("receipts")) {
      out.add(Json.MAPPER.treeToValue(r, Receipt.class));
    }
    return out;
  }

  @Override
  public byte[] tile(TilePath path) throws IOException {
    return get(tenantPath + "/log/" + path.path(), false);
  }

  /** The body of a 200; null for a 404 unless {@code required}; an IOException naming the status otherwise. */
  private byte[] get(String path, boolean required) throws IOException {
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
