package tai.autonomics.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import tai.autonomics.procurement.ProcurementClient;

/**
 * Verifies the {@code x-gcp-marketplace-token} of a sign-up as Google's frontend-integration guide says: RS256
 * only, signed by a key of the cloud-commerce-partner issuer (found by {@code kid}), {@code iss} that issuer,
 * {@code aud} the partner domain, {@code sub} the procurement account id, {@code exp} not passed (with a small clock
 * skew). Each way a token fails has its own stable reason, answered 401. Blocks when keys are fetched.
 */
final class SignupVerifier {
  private final SignupSettings settings;
  private final PartnerCertificates certificates;
  private final Clock clock;

  SignupVerifier(SignupSettings settings, PartnerCertificates certificates, Clock clock) {
    this.settings = settings;
    this.certificates = certificates;
    this.clock = clock;
  }

  /** The procurement account id the token speaks for, or a 401 {@link ClientError}. */
  String accountId(String token) {
    if (token == null || token.isBlank()) {
      throw refused("missing_token", "the x-gcp-marketplace-token form field is required");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException e) {
      throw refused("malformed_token", "the token is not a JWT: " + PushEnvelope.firstLine(e.getMessage()));
    }
    if (!(jwt instanceof SignedJWT signed) || !JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
      throw refused("unsupported_algorithm", "the token must be signed with RS256, not "
          + jwt.getHeader().getAlgorithm());
    }
    String keyId = signed.getHeader().getKeyID();
    RSAPublicKey key = keyId == null ? null : certificates.key(keyId).orElse(null);
    if (key == null) {
      throw refused("unknown_key", "the token's key id " + keyId + " is not one of the issuer's certificates");
    }
    try {
      if (!signed.verify(new RSASSAVerifier(key))) {
        throw refused("bad_signature", "the token's signature does not verify");
      }
    } catch (JOSEException e) {
      throw refused("bad_signature", "the token's signature cannot be verified: " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("malformed_token", "the token's claims are not a JSON object");
    }
    return check(claims);
  }

  private String check(JWTClaimsSet claims) {
    if (!SignupSettings.ISSUER.equals(claims.getIssuer())) {
      throw refused("wrong_issuer", "the token's iss is " + claims.getIssuer());
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(settings.partnerDomain())) {
      throw refused("wrong_audience", "the token's aud is " + claims.getAudience());
    }
    long now = clock.millis();
    long skew = settings.clockSkew().toMillis();
    Date expiry = claims.getExpirationTime();
    if (expiry == null || expiry.getTime() + skew < now) {
      throw refused("expired_token", expiry == null ? "the token has no exp"
          : "the token expired at " + expiry.toInstant());
    }
    Date issued = claims.getIssueTime();
    if (issued != null && issued.getTime() - skew > now) {
      throw refused("expired_token", "the token is issued in the future, at " + issued.toInstant());
    }
    String subject = claims.getSubject();
    if (subject == null || !subject.matches(ProcurementClient.ACCOUNT_ID_PATTERN)) {
      throw refused("invalid_subject", "the token's sub is not a procurement account id");
    }
    return subject;
  }

  private static ClientError refused(String reason, String detail) {
    return new ClientError(StatusCodes.UNAUTHORIZED, reason, detail);
  }
}
