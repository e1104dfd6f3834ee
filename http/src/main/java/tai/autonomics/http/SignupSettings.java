package tai.autonomics.http;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * {@code autonomics.http.signup}: the Marketplace sign-up page ({@code POST /signup}). Read once at start; when
 * enabled, a missing partner domain, no certificate source, or a disabled Procurement client fails the start with a
 * message that names the key.
 *
 * @param partnerDomain the {@code aud} Google puts in the sign-up JWT: the product's domain in Producer Portal
 * @param certsUrl Google's x509 certificates of the cloud-commerce-partner issuer, as a JSON object by key id
 * @param certsFile the same JSON in a local file (tests, offline nodes); when set it wins over the URL
 * @param certsRefresh how long fetched certificates are used before they are fetched again
 * @param certsRefetchMin the least time between two fetches caused by an unknown key id
 */
public record SignupSettings(boolean enabled, String partnerDomain, String certsUrl, String certsFile,
    Duration certsRefresh, Duration certsRefetchMin, Duration clockSkew) {

  /** The {@code iss} of Google's sign-up JWTs, which is also where its certificates are published. */
  public static final String ISSUER =
      "https://www.googleapis.com/robot/v1/metadata/x509/cloud-commerce-partner@system.gserviceaccount.com";

  public static SignupSettings create(Config root) {
    Config config = root.getConfig("autonomics.http.signup");
    SignupSettings settings = new SignupSettings(config.getBoolean("enabled"), config.getString("partner-domain"),
        config.getString("certs-url"), config.getString("certs-file"), config.getDuration("certs-refresh"),
        config.getDuration("certs-refetch-min"), config.getDuration("clock-skew"));
    if (!settings.enabled()) {
      return settings;
    }
    if (settings.partnerDomain().isBlank()) {
      throw invalid("partner-domain", "must be set (the aud of Google's sign-up JWT)");
    }
    if (settings.certsFile().isEmpty()) {
      try {
        String scheme = URI.create(settings.certsUrl()).getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
          throw invalid("certs-url", "must be an http(s) URL, not " + settings.certsUrl());
        }
      } catch (IllegalArgumentException e) {
        throw e.getMessage().startsWith("autonomics") ? e : invalid("certs-url", "is not a URL: " + e.getMessage());
      }
    }
    if (!root.getBoolean("autonomics.procurement.enabled")) {
      throw new IllegalArgumentException("autonomics.http.signup.enabled = on needs autonomics.procurement.enabled"
          + " = on: a sign-up approves the account through the Partner Procurement API");
    }
    return settings;
  }

  private static IllegalArgumentException invalid(String key, String problem) {
    return new IllegalArgumentException("autonomics.http.signup." + key + " " + problem
        + " (with autonomics.http.signup.enabled = on)");
  }
}
