package tai.autonomics.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;

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
 * @param pushAuth the push token check of {@code POST /pubsub}
 * @param marketplacePushAuth the same check with {@code push-auth.marketplace-audience}, for pushes on
 *     {@code POST /marketplace} (a push subscription's token audience defaults to its own endpoint URL)
 * @param poison what a push that can never succeed is answered (docs/API.md, ack policy)
 */
public record HttpSettings(String host, int port, Duration askTimeout, Duration shutdownDeadline,
    long pubsubMaxBytes, long maxBytes, boolean tenantLabel, String readToken, String adminToken,
    String adminName, JwtSettings pushAuth, JwtSettings marketplacePushAuth, JwtSettings marketplaceAuth,
    Poison poison) {

  /** {@code autonomics.http.pubsub.poison}. */
  public enum Poison {
    /** Acknowledge (200) once the failure is recorded: Pub/Sub must not redeliver what can never succeed. */
    ACKNOWLEDGE,
    /** Answer 4xx as a plain HTTP API would: for subscriptions whose dead-letter topic takes the message. */
    REJECT
  }

  public static HttpSettings create(Config config) {
    Config http = config.getConfig("autonomics.http");
    String pushPath = "autonomics.http.push-auth";
    JwtSettings pushAuth = JwtSettings.push(http.getConfig("push-auth"), pushPath);
    JwtSettings.require(pushAuth, http.getConfig("push-auth"), pushPath, "marketplace-audience");
    return new HttpSettings(http.getString("interface"), http.getInt("port"), http.getDuration("ask-timeout"),
        http.getDuration("shutdown-deadline"), http.getBytes("pubsub-max-body"), http.getBytes("max-body"),
        http.getBoolean("metrics.tenant-label"), http.getString("read-token"),
        http.getString("admin-token"), http.getString("admin-name"), pushAuth,
        pushAuth.withAudience(http.getString("push-auth.marketplace-audience")),
        JwtSettings.marketplace(http.getConfig("marketplace-auth"), "autonomics.http.marketplace-auth"),
        poison(http.getString("pubsub.poison")));
  }

  private static Poison poison(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "acknowledge" -> Poison.ACKNOWLEDGE;
      case "reject" -> Poison.REJECT;
      default -> throw new IllegalArgumentException(
          "autonomics.http.pubsub.poison must be acknowledge or reject, not \"" + value + "\"");
    };
  }

  public HttpSettings withPort(int newPort) {
    return new HttpSettings(host, newPort, askTimeout, shutdownDeadline, pubsubMaxBytes, maxBytes, tenantLabel,
        readToken, adminToken, adminName, pushAuth, marketplacePushAuth, marketplaceAuth, poison);
  }
}
