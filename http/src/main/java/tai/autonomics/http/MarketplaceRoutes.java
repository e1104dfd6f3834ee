package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.Entitlements;

/**
 * {@code POST /marketplace}: an entitlement event, flat or a Procurement event in a Pub/Sub push envelope. 200 with
 * the entitlement receipt when applied (or recorded, or seen before), 409 when the lifecycle does not allow it, 400
 * malformed, 401 when a required token is missing, bad, or names other ids than the body, 413, 503.
 *
 * <p>Authentication: an envelope is checked as a Pub/Sub push when push authentication is on. When Marketplace
 * authentication is on, a signed JWT is required (the body's {@code signature}, the envelope's {@code signature}
 * attribute, or else the {@code Authorization} bearer token when push authentication does not use it); its
 * {@code entitlement_id} claim must equal the event's (an account event without an entitlement: its
 * {@code account_id} claim the account's), and its {@code tenant_id} claim the flat body's tenant (for a Procurement
 * event, the tenant the envelope's {@code tenant_id} attribute names, when the claim is present).
 */
public final class MarketplaceRoutes {
  private final EdgeContext edge;

  public MarketplaceRoutes(EdgeContext edge) {
    this.edge = edge;
  }

  public Route routes() {
    return path("marketplace", () -> post(() -> optionalHeaderValueByName("Authorization", authorization ->
        optionalHeaderValueByName("X-Request-ID", requestId ->
            extractRequestEntity(entity -> completeWithFuture(handle(authorization, requestId, entity)))))));
  }

  private CompletionStage<HttpResponse> handle(Optional<String> authorization, Optional<String> requestId,
      HttpEntity entity) {
    CompletionStage<HttpResponse> answer;
    try {
      edge.checkReady();
      answer = edge.body(entity, edge.settings().maxBytes())
          .thenCompose(body -> process(body, authorization, requestId.orElse(null)));
    } catch (ClientError error) {
      answer = CompletableFuture.failedFuture(error);
    }
    return answer.exceptionally(failure -> {
      HttpResponse response = EdgeErrors.toResponse(failure);
      edge.metrics().entitlementEvent(PubSubRoutes.reasonOf(failure, response));
      return response;
    });
  }

  private CompletionStage<HttpResponse> process(ByteString bytes, Optional<String> authorization, String requestId) {
    MarketplaceDecoder.Request request = MarketplaceDecoder.decode(
        PushEnvelope.parseObject(bytes.toArray(), "the body"), requestId);
    CompletionStage<JWTClaimsSet> push = request.envelope()
        ? edge.authenticatePush(authorization) : CompletableFuture.completedFuture(null);
    String marketplaceToken = request.signature() != null ? request.signature()
        : request.envelope() && edge.pushAuthEnabled() ? null
        : JwtVerifier.bearer(authorization).orElse(null);
    return push
        .thenCompose(pushClaims -> edge.authenticateMarketplace(marketplaceToken))
        .thenCompose(claims -> {
          if (claims != null) {
            checkBinding(claims, request.event());
          }
          return edge.gateway().apply(request.event());
        })
        .thenApply(this::answer);
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
