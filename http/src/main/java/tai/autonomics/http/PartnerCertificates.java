package tai.autonomics.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.util.X509CertUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import tai.autonomics.Json;

/**
 * The RSA keys of Google's cloud-commerce-partner issuer by key id, read from the x509 certificates it publishes at
 * its issuer URL (a JSON object: key id to PEM certificate), or from a local file of the same form. Fetched keys are
 * kept for {@code certs-refresh}; a key id not among them fetches again, at most once per
 * {@code certs-refetch-min}, so a stream of forged key ids cannot turn into a stream of fetches. A fetch blocks:
 * callers run on the blocking dispatcher. A certificate past its validity is not used.
 */
final class PartnerCertificates {
  private final SignupSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private Map<String, X509Certificate> certificates = Map.of();
  private Instant fetchedAt = Instant.EPOCH;

  PartnerCertificates(SignupSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = settings.certsFile().isEmpty()
        ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build() : null;
    if (!settings.certsFile().isEmpty()) {
      try {
        certificates = parse(Files.readAllBytes(Path.of(settings.certsFile())));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("autonomics.http.signup.certs-file " + settings.certsFile()
            + " is not a JSON object of x509 certificates by key id: " + e.getMessage(), e);
      }
    }
  }

  /** The key with this id, if Google publishes it (and its certificate is valid now). */
  synchronized Optional<RSAPublicKey> key(String keyId) {
    Instant now = clock.instant();
    if (http != null) {
      boolean stale = now.isAfter(fetchedAt.plus(settings.certsRefresh()));
      boolean unknown = !certificates.containsKey(keyId) && now.isAfter(fetchedAt.plus(settings.certsRefetchMin()));
      if (stale || unknown) {
        fetch(now);
      }
    }
    X509Certificate certificate = certificates.get(keyId);
    if (certificate == null || certificate.getNotAfter().toInstant().isBefore(now)
        || certificate.getNotBefore().toInstant().isAfter(now.plus(settings.clockSkew()))) {
      return Optional.empty();
    }
    PublicKey key = certificate.getPublicKey();
    return key instanceof RSAPublicKey rsa ? Optional.of(rsa) : Optional.empty();
  }

  private void fetch(Instant now) {
    fetchedAt = now; // also after a failure: the refetch bound holds while Google is unreachable
    try {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(settings.certsUrl()))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 200) {
        certificates = parse(response.body());
      }
    } catch (IOException | IllegalArgumentException e) {
      // keep the keys we have; an unknown key id is then refused as such
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, X509Certificate> parse(byte[] json) throws IOException {
    JsonNode object = Json.MAPPER.readTree(json);
    if (object == null || !object.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, X509Certificate> parsed = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      X509Certificate certificate = X509CertUtils.parse(entry.getValue().asText());
      if (certificate == null) {
        throw new IllegalArgumentException("the certificate of key id " + entry.getKey() + " is not PEM x509");
      }
      parsed.put(entry.getKey(), certificate);
    }
    return Map.copyOf(parsed);
  }
}
