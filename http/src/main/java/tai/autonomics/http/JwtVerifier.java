package tai.autonomics.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Verifies RS256 JWTs (Pub/Sub push OIDC tokens, Marketplace JWTs) with nimbus-jose-jwt against configured keys
 * (a JWKS file, or a JWKS URL that is cached and refreshed on an unknown key id), issuer, audience, service-account
 * email with {@code email_verified}, expiry with clock skew, and a maximum token age. {@code alg: none}, other
 * algorithms, unknown key ids and bad signatures are refused.
 *
 * <p>Pub/Sub sends the same token with many pushes, so verified tokens are remembered (bounded) until they expire:
 * a remembered token costs a map lookup instead of an RSA verification. A first verification may fetch keys over
 * the network, so it runs on the blocking executor.
 */
public final class JwtVerifier {
  private static final int MAX_REMEMBERED = 10_000;

  private final JwtSettings settings;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Clock clock;
  private final ConcurrentHashMap<String, Verified> remembered = new ConcurrentHashMap<>();

  private record Verified(JWTClaimsSet claims, long validUntilMs) {}

  public JwtVerifier(JwtSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys(settings)));
    processor.setJWTClaimsSetVerifier((claims, context) -> checkClaims(claims));
  }

  /** The token's claims, or a failed stage with a 401 {@link ClientError}. */
  public CompletionStage<JWTClaimsSet> verify(String token, Executor blocking) {
    Verified known = remembered.get(token);
    if (known != null && known.validUntilMs() >= clock.millis()) {
      return CompletableFuture.completedFuture(known.claims());
    }
    return CompletableFuture.supplyAsync(() -> verifyNow(token), blocking);
  }

  /** Verifies on the calling thread; may fetch keys when they come from a URL. */
  public JWTClaimsSet verifyNow(String token) {
    if (token == null || token.isBlank()) {
      throw ClientError.unauthorized("a bearer token is required");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw ClientError.unauthorized("the token is not a signed JWT: " + PushEnvelope.firstLine(e.getMessage()));
    } catch (BadJOSEException | JOSEException e) {
      throw ClientError.unauthorized("the token is not valid: " + PushEnvelope.firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      throw ClientError.unauthorized("the token cannot be read: " + e.getClass().getSimpleName());
    }
    remember(token, claims);
    return claims;
  }

  /** The bearer token of an {@code Authorization} header value, if it has one. */
  public static Optional<String> bearer(Optional<String> authorization) {
    return authorization
        .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(value -> value.substring(7).trim());
  }

  private void checkClaims(JWTClaimsSet claims) throws BadJWTException {
    long now = clock.millis();
    long skew = settings.clockSkew().toMillis();
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      throw new BadJWTException("the token has no exp");
    }
    if (expiry.getTime() + skew < now) {
      throw new BadJWTException("the token expired at " + expiry.toInstant());
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.getTime() - skew > now) {
      throw new BadJWTException("the token is not valid before " + notBefore.toInstant());
    }
    Date issuedAt = claims.getIssueTime();
    if (issuedAt != null) {
      if (issuedAt.getTime() - skew > now) {
        throw new BadJWTException("the token is issued in the future");
      }
      if (now - issuedAt.getTime() > settings.maxAge().toMillis() + skew) {
        throw new BadJWTException("the token is older than " + settings.maxAge());
      }
    } else if (!settings.email().isEmpty()) {
      throw new BadJWTException("the token has no iat");
    }
    if (!settings.issuers().isEmpty() && !settings.issuers().contains(claims.getIssuer())) {
      throw new BadJWTException("wrong issuer " + claims.getIssuer());
    }
    // never skipped: an enabled check has an audience (JwtSettings refuses to start without one)
    if (claims.getAudience() == null || !claims.getAudience().contains(settings.audience())) {
      throw new BadJWTException("wrong audience " + claims.getAudience());
    }
    if (!settings.email().isEmpty()) {
      Object email = claims.getClaim("email");
      if (!settings.email().equals(email)) {
        throw new BadJWTException("wrong service account " + email);
      }
      Object verified = claims.getClaim("email_verified");
      if (!Boolean.TRUE.equals(verified) && !"true".equals(verified)) {
        throw new BadJWTException("the service account email is not verified");
      }
    }
  }

  private void remember(String token, JWTClaimsSet claims) {
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.clear();
    }
    long until = claims.getExpirationTime().getTime();
    if (claims.getIssueTime() != null) {
      until = Math.min(until, claims.getIssueTime().getTime() + settings.maxAge().toMillis());
    }
    remembered.put(token, new Verified(claims, until));
  }

  private static JWKSource<SecurityContext> keys(JwtSettings settings) {
    if (!settings.jwksFile().isEmpty()) {
      try {
        return new ImmutableJWKSet<>(JWKSet.load(new File(settings.jwksFile())));
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException("cannot read the JWKS file " + settings.jwksFile() + ": " + e.getMessage(),
            e);
      }
    }
    try {
      return JWKSourceBuilder.<SecurityContext>create(URI.create(settings.jwksUrl()).toURL()).build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid JWKS URL " + settings.jwksUrl() + ": " + e.getMessage(), e);
    }
  }
}
