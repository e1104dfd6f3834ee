package tai.autonomics.procurement;

import com.typesafe.config.Config;
import java.io.File;
import java.net.URI;
import java.time.Duration;

/**
 * {@code autonomics.procurement}: where the Partner Procurement API is, who the node is to it, and how long and how
 * often a call may try. Read once at start; an enabled client with a missing or wrong value fails the start with a
 * message that names the key.
 *
 * @param baseUrl Google's {@code https://cloudcommerceprocurement.googleapis.com}; tests point it at 127.0.0.1
 * @param providerId the provider of {@code providers/{providerId}/...}
 * @param credentialsFile the service account's JSON key file (its {@code token_uri} is where tokens come from)
 * @param maxAttempts attempts of one call, the first included, before a transient failure is given up
 * @param maxInFlight calls (with their retries) at once; more are answered at once as exhausted ("overloaded")
 * @param threads the HTTP client's and the token refresh's threads (each)
 */
public record ProcurementSettings(boolean enabled, URI baseUrl, String providerId, String credentialsFile,
    Duration connectTimeout, Duration requestTimeout, int maxAttempts, Duration backoffMin, Duration backoffMax,
    int maxInFlight, int threads) {

  private static final String PREFIX = "autonomics.procurement.";

  public static ProcurementSettings create(Config root) {
    Config config = root.getConfig("autonomics.procurement");
    boolean enabled = config.getBoolean("enabled");
    String base = config.getString("base-url");
    URI baseUrl;
    try {
      baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    } catch (IllegalArgumentException e) {
      throw invalid("base-url", "is not a URL: " + base);
    }
    ProcurementSettings settings = new ProcurementSettings(enabled, baseUrl, config.getString("provider-id"),
        config.getString("credentials-file"), config.getDuration("connect-timeout"),
        config.getDuration("request-timeout"), config.getInt("max-attempts"), config.getDuration("backoff-min"),
        config.getDuration("backoff-max"), config.getInt("max-in-flight"), config.getInt("threads"));
    if (enabled) {
      settings.validate();
    }
    return settings;
  }

  private void validate() {
    String scheme = baseUrl.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme) || baseUrl.getHost() == null) {
      throw invalid("base-url", "must be an http(s) URL, not " + baseUrl);
    }
    if (!providerId.matches(ProcurementClient.ID_PATTERN)) {
      throw invalid("provider-id", "must be set (letters, digits, - . _ ~), not \"" + providerId + "\"");
    }
    if (credentialsFile.isEmpty() || !new File(credentialsFile).canRead()) {
      throw invalid("credentials-file", "must name a readable service-account JSON key file, not \""
          + credentialsFile + "\"");
    }
    positive("connect-timeout", connectTimeout);
    positive("request-timeout", requestTimeout);
    positive("backoff-min", backoffMin);
    if (backoffMax.compareTo(backoffMin) < 0) {
      throw invalid("backoff-max", "must be at least backoff-min (" + backoffMin + ")");
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw invalid("max-attempts", "must be between 1 and 20, not " + maxAttempts);
    }
    if (maxInFlight < 1) {
      throw invalid("max-in-flight", "must be at least 1, not " + maxInFlight);
    }
    if (threads < 1) {
      throw invalid("threads", "must be at least 1, not " + threads);
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw invalid(key, "must be positive, not " + value);
    }
  }

  private static IllegalArgumentException invalid(String key, String problem) {
    return new IllegalArgumentException(PREFIX + key + " " + problem + " (with " + PREFIX + "enabled = on)");
  }
}
