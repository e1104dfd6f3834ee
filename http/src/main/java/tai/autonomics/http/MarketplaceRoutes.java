package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.Entitlements;

/**
 * {@code POST /marketplace}: an entitlement event, flat or a Procurement event in a Pub/Sub push (wrapped or
 * unwrapped). 200 with the entitlement receipt when applied (or recorded, or seen before), 409 when the lifecycle
 * does not allow it, 400 malformed, 401 when a required token is missing, bad, or names other ids than the body, 413,
 * 503. A push that can never be applied (malformed, invalid transition) is a dead letter answered 200 by the ack
 * policy ({@link DeadLetters}); flat callers keep 400 and 409.
 *
 * <p>Authentication: a Procurement push is checked as a Pub/Sub push (Google's OIDC token) when push
 * authentication is on, against {@code push-auth.marketplace-audience}; Google issues no other token for it. A flat
 * event, the node's own contract, needs a signed JWT when Marketplace authentication is on (the body's
 * {@code signature}, or else the {@code Authorization} bearer token), whose {@code tenant_id} and
 * {@code entitlement_id} claims must equal the body's. A buyer's sign-up JWT is checked by {@link SignupRoutes}.
 */
public final class MarketplaceRoutes {
  private final EdgeContext edge;
  private final DeadLetters deadLetters;

  public MarketplaceRoutes(EdgeContext edge) {
    this.edge = edge;
    this.deadLetters = new DeadLetters(edge);
  }

  public Route routes() {
    return path("marketplace", () -> post(() -> extractRequest(request ->
        completeWithFuture(handle(request)))));
  }

  private CompletionStage<HttpResponse> handle(HttpRequest http) {
    CompletionStage<HttpResponse> answer;
    try {
      edge.checkReady();
      answer = edge.body(http.entity(), edge.settings().maxBytes())
          .thenCompose(body -> process(http, body.toArray()));
    } catch (ClientError error) {
      answer = CompletableFuture.failedFuture(error);
    }
    return answer.exceptionally(failure -> {
      HttpResponse response = EdgeErrors.toResponse(failure);
      edge.metrics().entitlementEvent(PubSubRoutes.reasonOf(failure, response));
      return response;
    });
  }

  private CompletionStage<HttpResponse> process(HttpRequest http, byte[] bytes) {
    Optional<String> authorization = http.getHeader("Authorization").map(HttpHeader::value);
    boolean unwrapped = PushHeaders.isUnwrapped(http);
    boolean push = unwrapped;
    MarketplaceDecoder.Request request;
    try {
      if (unwrapped) {
        request = MarketplaceDecoder.decodePush(PushHeaders.decode(http, bytes));
      } else {
        JsonNode body = PushEnvelope.parseObject(bytes, "the body");
        push = PushEnvelope.isEnvelope(body);
        request = MarketplaceDecoder.decode(body, http.getHeader("X-Request-ID").map(HttpHeader::value).orElse(null));
      }
    } catch (ClientError error) {
      if (!push || !deadLetters.acknowledges(error)) {
        throw error;
      }
      // a dead letter is written only for a push that passed its push token check
      return edge.authenticateMarketplacePush(authorization).thenCompose(claims ->
          deadLetter(error.reason(), error.detail(), http, bytes));
    }
    // a Procurement push carries Google's push OIDC token and nothing else (Google issues no other token for it);
    // the Marketplace JWT and its claims speak only for the node's own flat contract
    CompletionStage<JWTClaimsSet> authenticated = request.envelope()
        ? edge.authenticateMarketplacePush(authorization)
        : edge.authenticateMarketplace(request.signature() != null ? request.signature()
            : JwtVerifier.bearer(authorization).orElse(null));
    return authenticated
        .thenCompose(claims -> {
          if (claims != null && !request.envelope()) {
            checkBinding(claims, (EntitlementEvent.Flat) request.event());
          }
          return edge.gateway().apply(request.event());
        })
        .thenCompose(result -> result instanceof Entitlements.Rejected rejected && request.envelope()
            && deadLetters.acknowledgesRefusals()
            ? deadLetter(rejected.reason(), rejected.detail(), http, bytes)
            : CompletableFuture.completedFuture(answer(result)));
  }

  /** A Procurement push that can never be applied, recorded and acknowledged (Pub/Sub must not loop on it). */
  private CompletionStage<HttpResponse> deadLetter(String reason, String detail, HttpRequest http, byte[] bytes) {
    edge.metrics().entitlementEvent(reason);
    PushEnvelope salvaged = PushHeaders.isUnwrapped(http) ? PushHeaders.salvage(http, bytes)
        : PushEnvelope.salvage(bytes);
    return deadLetters.record("POST /marketplace", reason, detail, salvaged, bytes);
  }

  private HttpResponse answer(Entitlements.Result result) {
    if (result instanceof Entitlements.Applied applied) {
      edge.metrics().entitlementEvent("applied");
      return EdgeErrors.json(StatusCodes.OK, applied.receipt());
    }
    if (result instanceof Entitlements.Duplicate duplicate) {
      edge.metrics().entitlementEvent("duplicate");
      return EdgeErrors.json(StatusCodes.OK, duplicate.receipt());
    }
    if (result instanceof Entitlements.Rejected rejected) {
      edge.metrics().entitlementEvent(rejected.reason());
      return EdgeErrors.refusal(rejected.reason().equals("invalid_transition") ? StatusCodes.CONFLICT
          : StatusCodes.BAD_REQUEST, rejected.reason(), rejected.detail());
    }
    Entitlements.Unavailable unavailable = (Entitlements.Unavailable) result;
    edge.metrics().entitlementEvent(unavailable.reason());
    return EdgeErrors.refusal(StatusCodes.SERVICE_UNAVAILABLE, unavailable.reason(),
        "the entitlement could not be applied now; retry later");
  }

  /** The token must speak for the ids in the body: a valid token for one tenant must not change another. */
  private static void checkBinding(JWTClaimsSet claims, EntitlementEvent.Flat flat) {
    if (!flat.entitlementId().equals(claims.getClaim("entitlement_id"))
        || !flat.tenantId().equals(claims.getClaim("tenant_id"))) {
      throw ClientError.unauthorized("the token's tenant_id and entitlement_id claims do not match the body");
    }
  }
}
