package tai.autonomics.http;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;

/**
 * For the "/pubsub with push authentication on" benchmark: writes a fresh RSA key's JWKS and a node config that
 * trusts it into {@code <dir>}, and prints a Pub/Sub-shaped OIDC token (RS256, one hour) signed with that key. Not a
 * test; run with {@code java -cp <http test classpath> tai.autonomics.http.PushTokenTool <dir>}, then start the node
 * with {@code -Dconfig.file=<dir>/push-auth.conf} and give wrk the token ({@code TOKEN=... wrk ... pubsub.lua}).
 */
public final class PushTokenTool {
  static final String AUDIENCE = "https://node.example/pubsub";
  static final String EMAIL = "pusher@project.iam.gserviceaccount.com";

  private PushTokenTool() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath();
    Files.createDirectories(dir);
    RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    Files.writeString(dir.resolve("push-auth.conf"), """
        autonomics.http.push-auth {
          enabled = on
          jwks-file = "%s"
          audience = "%s"
          marketplace-audience = "%s/marketplace"
          service-account-email = "%s"
        }
        """.formatted(jwks.toString().replace("\\", "/"), AUDIENCE, AUDIENCE, EMAIL));
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://accounts.google.com").audience(AUDIENCE)
        .claim("email", EMAIL).claim("email_verified", true).subject("bench")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench")
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(key));
    System.out.println(jwt.serialize());
  }
}
