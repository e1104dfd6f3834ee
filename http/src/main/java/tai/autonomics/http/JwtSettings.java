package tai.autonomics.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * One JWT check ({@code push-auth} or {@code marketplace-auth}): where the RS256 keys come from, which issuers and
 * audience are accepted, and (for Pub/Sub push tokens) which service account must have signed.
 *
 * @param jwksFile a JWKS JSON file (read once at start); empty when {@code jwksUrl} is used
 * @param jwksUrl a JWKS URL (cached, refreshed on an unknown key id, rate-limited)
 * @param issuers accepted {@code iss} values; empty accepts any
 * @param audience required {@code aud}; empty accepts any
 * @param email required {@code email} (with {@code email_verified = true}); empty skips the email check
 * @param maxAge the oldest {@code iat} accepted (Pub/Sub tokens are valid for an hour)
 */
public record JwtSettings(boolean enabled, String jwksFile, String jwksUrl, List<String> issuers, String audience,
    String email, Duration clockSkew, Duration maxAge) {

  public static JwtSettings create(Config config) {
    JwtSettings settings = new JwtSettings(config.getBoolean("enabled"), config.getString("jwks-file"),
        config.getString("jwks-url"), List.copyOf(config.getStringList("issuers")), config.getString("audience"),
        config.getString("service-account-email"), config.getDuration("clock-skew"), config.getDuration("max-age"));
    if (settings.enabled() && settings.jwksFile().isEmpty() == settings.jwksUrl().isEmpty()) {
      throw new IllegalArgumentException(config.origin().description()
          + ": an enabled JWT check needs exactly one of jwks-file and jwks-url");
    }
    return settings;
  }
}
