package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Objects;
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
 * <p>Authentication: a push is checked as a Pub/Sub push when push authentication is on, against
 * {@code push-auth.marketplace-audience}. When Marketplace
 * authentication is on, a signed JWT is required (the body's {@code signature}, the envelope's {@code signature}
 * attribute, or else the {@code Authorization} bearer token when push authentication does not use it); its
 * {@code entitlement_id} claim must equal the event's (an account event without an entitlement: its
 * {@code account_id} claim the account's), and its {@code tenant_id} claim the flat body's tenant (for a Procurement
 * event, the tenant the envelope's {@code tenant_id} attribute names, when the claim is present).
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
    CompletionStage<JWTClaimsSet> pushed = request.envelope()
        ? edge.authenticateMarketplacePush(authorization) : CompletableFuture.completedFuture(null);
    String marketplaceToken = request.signature() != null ? request.signature()
        : request.envelope() && edge.pushAuthEnabled() ? null
        : JwtVerifier.bearer(authorization).orElse(null);
    return pushed
        .thenCompose(pushClaims -> edge.authenticateMarketplace(marketplaceToken))
        .thenCompose(claims -> {
          if (claims != null) {
            checkBinding(claims, request.event());
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
  private static void checkBinding(JWTClaimsSet claims, EntitlementEvent event) {
    Object entitlementClaim = claims.getClaim("entitlement_id");
    Object tenantClaim = claims.getClaim("tenant_id");
    if (event instanceof EntitlementEvent.Flat flat) {
      if (!flat.entitlementId().equals(entitlementClaim) || !flat.tenantId().equals(tenantClaim)) {
        throw ClientError.unauthorized("the token's tenant_id and entitlement_id claims do not match the body");
      }
      return;
    }
    EntitlementEvent.Procurement procurement = (EntitlementEvent.Procurement) event;
    boolean entitlementMatches = procurement.entitlementId() != null
        ? procurement.entitlementId().equals(entitlementClaim)
        : Objects.equals(procurement.accountId(), claims.getClaim("account_id"));
    boolean tenantMatches = tenantClaim == null || Objects.equals(tenantClaim, procurement.tenantId());
    if (!entitlementMatches || !tenantMatches) {
      throw ClientError.unauthorized("the token's claims do not match the Procurement event's ids");
    }
  }
}
