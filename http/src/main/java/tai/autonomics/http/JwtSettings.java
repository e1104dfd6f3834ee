package tai.autonomics.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * One JWT check ({@code push-auth} or {@code marketplace-auth}): where the RS256 keys come from, which issuers and
 * audience are accepted, and (for Pub/Sub push tokens) which service account must have signed. An enabled check
 * cannot be open by omission: the keys that say who may call must be set, or the node does not start.
 *
 * @param jwksFile a JWKS JSON file (read once at start); empty when {@code jwksUrl} is used
 * @param jwksUrl a JWKS URL (cached, refreshed on an unknown key id, rate-limited)
 * @param issuers accepted {@code iss} values; empty accepts any
 * @param audience required {@code aud}; never empty when enabled
 * @param email required {@code email} (with {@code email_verified = true}); empty skips the email check (only
 *     {@code marketplace-auth}, whose tokens name their signer by issuer instead)
 * @param maxAge the oldest {@code iat} accepted (Pub/Sub tokens are valid for an hour)
 */
public record JwtSettings(boolean enabled, String jwksFile, String jwksUrl, List<String> issuers, String audience,
    String email, Duration clockSkew, Duration maxAge) {

  /** {@code push-auth}: Google's push guidance checks both the audience and the service account's email. */
  public static JwtSettings push(Config config, String path) {
    JwtSettings settings = create(config, path);
    require(settings, config, path, "service-account-email");
    return settings;
  }

  /** {@code marketplace-auth}: the token's signer is named by its issuer, so issuers must be listed. */
  public static JwtSettings marketplace(Config config, String path) {
    JwtSettings settings = create(config, path);
    if (settings.enabled() && settings.issuers().stream().allMatch(String::isBlank)) {
      throw new IllegalArgumentException(path + ".issuers must name the accepted issuers when " + path
          + ".enabled is on (an empty list would accept a token from any issuer)");
    }
    return settings;
  }

  private static JwtSettings create(Config config, String path) {
    JwtSettings settings = new JwtSettings(config.getBoolean("enabled"), config.getString("jwks-file"),
        config.getString("jwks-url"), List.copyOf(config.getStringList("issuers")), config.getString("audience"),
        config.getString("service-account-email"), config.getDuration("clock-skew"), config.getDuration("max-age"));
    if (settings.enabled() && settings.jwksFile().isEmpty() == settings.jwksUrl().isEmpty()) {
      throw new IllegalArgumentException(path + ": an enabled JWT check needs exactly one of jwks-file and jwks-url");
    }
    require(settings, config, path, "audience");
    return settings;
  }

  /** An enabled check with {@code key} blank would accept tokens meant for anyone: refused at start. */
  static void require(JwtSettings settings, Config config, String path, String key) {
    if (settings.enabled() && config.getString(key).isBlank()) {
      throw new IllegalArgumentException(path + "." + key + " must be set when " + path + ".enabled is on"
          + " (an empty one would accept a token meant for any " + (key.equals("audience") ? "audience" : "sender")
          + ")");
    }
  }

  /** The same check for another audience: push tokens for /marketplace are minted for that endpoint. */
  public JwtSettings withAudience(String otherAudience) {
    return new JwtSettings(enabled, jwksFile, jwksUrl, issuers, otherAudience, email, clockSkew, maxAge);
  }
}
