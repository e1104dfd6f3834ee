package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.tlog.LogSource;
import tai.autonomics.tlog.TilePath;

/** A tenant's log read from a node's HTTP routes, with the read token when one is given. */
final class HttpLogSource implements LogSource {
  private final NodeReads reads;
  private final String tenantPath;

  HttpLogSource(String url, String tenant, String token) {
    this.reads = new NodeReads(url, token);
    this.tenantPath = "/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8).replace("+", "%20");
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

  private byte[] get(String path, boolean required) throws IOException {
    return reads.get(path, required);
  }
}
