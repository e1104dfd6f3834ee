package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.Json;

/** The issuer's certificates fetched from a URL (a local HTTP server): cached, refetched within bounds. */
class PartnerCertificatesTest {
  @TempDir
  Path dir;
  private HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private Instant now = Instant.now();
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/certs", exchange -> {
      fetches.incrementAndGet();
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status.get(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void keysAreCachedAndAnUnknownKeyIdRefetchesAtMostOncePerInterval() throws Exception {
    body.set(Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode()
        .put("k1", TestKeys.generate(dir, "k1").certificatePem())));
    SignupSettings settings = new SignupSettings(true, "tai.example.com",
        "http://127.0.0.1:" + server.getAddress().getPort() + "/certs", "", Duration.ofHours(1),
        Duration.ofMinutes(1), Duration.ofSeconds(30));
    PartnerCertificates certificates = new PartnerCertificates(settings, clock);

    assertTrue(certificates.key("k1").isPresent());
    assertTrue(certificates.key("k1").isPresent());
    assertEquals(1, fetches.get(), "cached");
    assertTrue(certificates.key("forged-1").isEmpty());
    assertTrue(certificates.key("forged-2").isEmpty());
    assertEquals(1, fetches.get(), "unknown key ids within certs-refetch-min do not fetch");
    now = now.plus(Duration.ofMinutes(2));
    assertTrue(certificates.key("forged-3").isEmpty());
    assertEquals(2, fetches.get(), "an unknown key id after certs-refetch-min fetches once");

    body.set(Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode()
        .put("k2", TestKeys.generate(dir, "k2").certificatePem())));
    status.set(500);
    now = now.plus(Duration.ofHours(2));
    assertTrue(certificates.key("k1").isPresent(), "a failed refresh keeps the keys there are");
    assertEquals(3, fetches.get());
    status.set(200);
    now = now.plus(Duration.ofHours(2));
    assertTrue(certificates.key("k2").isPresent(), "Google's rotation is picked up");
    assertTrue(certificates.key("k1").isEmpty(), "a key Google no longer publishes is gone");
    now = now.plus(Duration.ofDays(3));
    assertTrue(certificates.key("k2").isEmpty(), "a certificate past its validity is not used");
  }
}
