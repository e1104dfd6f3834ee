package tai.autonomics.http;

import com.nimbusds.jwt.JWTClaimsSet;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * What every route shares: the gateway to the node, settings, metrics, the JWT verifiers, readiness (new work is
 * answered 503 {@code not_ready} until the first readiness check passed and once shutdown has begun) and bounded
 * body reading.
 */
public final class EdgeContext {
  private final NodeGateway gateway;
  private final HttpSettings settings;
  private final EdgeMetrics metrics;
  private final Materializer materializer;
  private final Executor blocking;
  private final JwtVerifier pushVerifier;
  private final JwtVerifier marketplacePushVerifier;
  private final JwtVerifier marketplaceVerifier;
  private final byte[] readToken;
  private final byte[] adminToken;
  private final AtomicBoolean ready = new AtomicBoolean(true);
  /** Set by the first passing readiness check: work accepted before could wait out its timeout on start-up. */
  private final AtomicBoolean started = new AtomicBoolean();

  public EdgeContext(ActorSystem<?> system, NodeGateway gateway, HttpSettings settings, EdgeMetrics metrics,
      Clock clock) {
    this.gateway = gateway;
    this.settings = settings;
    this.metrics = metrics;
    this.materializer = Materializer.matFromSystem(system);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("autonomics.http.blocking-dispatcher"));
    this.pushVerifier = settings.pushAuth().enabled() ? new JwtVerifier(settings.pushAuth(), clock) : null;
    this.marketplacePushVerifier = settings.pushAuth().enabled()
        ? new JwtVerifier(settings.marketplacePushAuth(), clock) : null;
    this.marketplaceVerifier = settings.marketplaceAuth().enabled()
        ? new JwtVerifier(settings.marketplaceAuth(), clock) : null;
    this.readToken = settings.readToken().getBytes(StandardCharsets.UTF_8);
    this.adminToken = settings.adminToken().getBytes(StandardCharsets.UTF_8);
  }

  public NodeGateway gateway() {
    return gateway;
  }

  public HttpSettings settings() {
    return settings;
  }

  public EdgeMetrics metrics() {
    return metrics;
  }

  public boolean ready() {
    return ready.get();
  }

  /** Called when shutdown begins: from now on new work is refused with 503 not_ready. */
  public void stopAccepting() {
    ready.set(false);
  }

  /** Every subsystem answered a readiness check: from now on work is accepted. */
  public void markStarted() {
    started.set(true);
  }

  /** Fails with 503 {@code not_ready} before the node was ready once, and once shutdown has begun. */
  public void checkReady() {
    if (!started.get()) {
      throw new ClientError(StatusCodes.SERVICE_UNAVAILABLE, "not_ready", "the node is starting; retry later");
    }
    if (!ready.get()) {
      throw new ClientError(StatusCodes.SERVICE_UNAVAILABLE, "not_ready", "the node is shutting down; retry later");
    }
  }

  /** The body, at most {@code maxBytes}; a larger one fails with 413. */
  public CompletionStage<ByteString> body(HttpEntity entity, long maxBytes) {
    // pekko-http hands a body that came in with its headers over as Strict already: no stream to run, and no
    // Scala-converted stage whose continuations would each start a thread (see AskAnswers)
    if (entity instanceof HttpEntity.Strict strict && strict.getData().size() <= maxBytes) {
      return CompletableFuture.completedFuture(strict.getData());
    }
    return gateway.onDispatcher(entity.toStrict(settings.askTimeout().toMillis(), maxBytes, materializer))
        .thenApply(HttpEntity.Strict::getData);
  }

  /** The push token's claims on /pubsub, null when push authentication is off; 401 when missing or bad. */
  public CompletionStage<JWTClaimsSet> authenticatePush(Optional<String> authorization) {
    return authenticatePush(pushVerifier, authorization);
  }

  /** The same for a push on /marketplace, whose tokens carry {@code push-auth.marketplace-audience}. */
  public CompletionStage<JWTClaimsSet> authenticateMarketplacePush(Optional<String> authorization) {
    return authenticatePush(marketplacePushVerifier, authorization);
  }

  private CompletionStage<JWTClaimsSet> authenticatePush(JwtVerifier verifier, Optional<String> authorization) {
    if (verifier == null) {
      return CompletableFuture.completedFuture(null);
    }
    return JwtVerifier.bearer(authorization)
        .map(token -> verifier.verify(token, blocking))
        .orElseGet(() -> CompletableFuture.failedFuture(ClientError.unauthorized(
            "push authentication is on: an \"Authorization: Bearer <OIDC token>\" header is required")));
  }

  public boolean pushAuthEnabled() {
    return pushVerifier != null;
  }

  /** The Marketplace JWT's claims, null when Marketplace authentication is off. */
  public CompletionStage<JWTClaimsSet> authenticateMarketplace(String token) {
    if (marketplaceVerifier == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (token == null) {
      return CompletableFuture.failedFuture(ClientError.unauthorized(
          "Marketplace authentication is on: a signed JWT is required"));
    }
    return marketplaceVerifier.verify(token, blocking);
  }

  /** Read routes: when a read token is configured the request must carry it (compared in constant time). */
  public void checkReadToken(Optional<String> authorization) {
    if (readToken.length == 0) {
      return;
    }
    byte[] given = JwtVerifier.bearer(authorization).orElse("").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(readToken, given)) {
      throw ClientError.unauthorized("this route requires \"Authorization: Bearer <read token>\"");
    }
  }

  /**
   * Operator routes: the request must carry the admin token (compared in constant time). With no admin token
   * configured they are refused, so a write route is never open by omission.
   *
   * @return who did it, the configured {@code admin-name}, for the receipt of the operator action
   */
  public String checkAdminToken(Optional<String> authorization) {
    if (adminToken.length == 0) {
      throw new ClientError(StatusCodes.FORBIDDEN, "admin_disabled",
          "operator routes are off: set autonomics.http.admin-token (or TAI_ADMIN_TOKEN) to enable them");
    }
    byte[] given = JwtVerifier.bearer(authorization).orElse("").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(adminToken, given)) {
      throw ClientError.unauthorized("this route requires \"Authorization: Bearer <admin token>\"");
    }
    return settings.adminName();
  }
}
