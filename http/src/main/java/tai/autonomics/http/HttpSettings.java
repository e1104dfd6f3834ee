package tai.autonomics.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code autonomics.http}: where the node listens, how long the edge waits, how big a body may be, what the
 * metrics label, and who may call (read once at start).
 *
 * @param pubsubMaxBytes body limit of {@code POST /pubsub} (a 10 MB Pub/Sub message is ~13.4 MB as an envelope)
 * @param maxBytes body limit of every other route
 * @param tenantLabel whether signal and refusal metrics carry a {@code tenant} label (cardinality: off by default)
 * @param readToken bearer token the read routes require; empty means they are open
 * @param adminToken bearer token the operator (write) routes require; empty means they are refused
 * @param adminName who the admin token stands for, named in the receipts of operator actions
 */
public record HttpSettings(String host, int port, Duration askTimeout, Duration shutdownDeadline,
    long pubsubMaxBytes, long maxBytes, boolean tenantLabel, String readToken, String adminToken,
    String adminName, JwtSettings pushAuth, JwtSettings marketplaceAuth) {

  public static HttpSettings create(Config config) {
    Config http = config.getConfig("autonomics.http");
    return new HttpSettings(http.getString("interface"), http.getInt("port"), http.getDuration("ask-timeout"),
        http.getDuration("shutdown-deadline"), http.getBytes("pubsub-max-body"), http.getBytes("max-body"),
        http.getBoolean("metrics.tenant-label"), http.getString("read-token"),
        http.getString("admin-token"), http.getString("admin-name"), JwtSettings.create(http.getConfig("push-auth")), JwtSettings.create(http.getConfig("marketplace-auth")));
  }

  public HttpSettings withPort(int newPort) {
    return new HttpSettings(host, newPort, askTimeout, shutdownDeadline, pubsubMaxBytes, maxBytes, tenantLabel,
        readToken, adminToken, adminName, pushAuth, marketplaceAuth);
  }
}
