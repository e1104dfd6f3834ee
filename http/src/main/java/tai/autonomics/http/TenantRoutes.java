package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static tai.autonomics.http.ReceiptRoutes.guarded;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.entitlement.MarketplaceCommand;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;
import tai.autonomics.ledger.ChainVerifier;

/**
 * {@code GET /tenants/{id}} (governor state, the serving entitlement, every entitlement with Google's plan and offer
 * dates and its pending approval, counters; 404 for a tenant never seen),
 * {@code GET /tenants/{id}/receipts?after=SEQ&limit=N} (the chain, paged) and {@code GET /tenants/{id}/verify}.
 */
public final class TenantRoutes {
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_LIMIT = 100;

  private final EdgeContext edge;

  public TenantRoutes(EdgeContext edge) {
    this.edge = edge;
  }

  public Route routes() {
    return pathPrefix("tenants", () -> pathPrefix(PathMatchers.segment(), tenantId -> get(() ->
        optionalHeaderValueByName("Authorization", authorization -> concat(
            pathEnd(() -> completeWithFuture(guarded(() -> {
              edge.checkReadToken(authorization);
              return tenant(tenantId);
            }))),
            path("receipts", () -> parameterOptional("after", after -> parameterOptional("limit", limit ->
                completeWithFuture(guarded(() -> {
                  edge.checkReadToken(authorization);
                  return receipts(tenantId, after, limit);
                }))))),
            path("verify", () -> completeWithFuture(guarded(() -> {
              edge.checkReadToken(authorization);
              return edge.gateway().verify(tenantId).thenApply(TenantRoutes::verified);
            }))))))));
  }

  /**
   * A tenant exists for this node once it has a receipt or an entitlement. Checking that first keeps a GET for an
   * unknown id from starting a governor; the governor's view is then asked for (one more ask, at the edge).
   */
  private CompletionStage<HttpResponse> tenant(String tenantId) {
    return edge.gateway().head(tenantId)
        .thenCombine(edge.gateway().entitlement(tenantId), (head, status) -> head.isPresent() || status.entitlement() != null
            ? status : null)
        .thenCompose(status -> status == null
            ? CompletableFuture.completedFuture(EdgeErrors.refusal(StatusCodes.NOT_FOUND, "not_found",
                "tenant " + tenantId + " has no receipts and no entitlement"))
            : edge.gateway().governor(tenantId).thenCombine(edge.gateway().entitlements(tenantId),
                (view, entitlements) -> EdgeErrors.json(StatusCodes.OK, body(view, status, entitlements))));
  }

  private static Map<String, Object> body(Governor.View view, Entitlements.Status status,
      MarketplaceCommand.Overview overview) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tenant_id", view.tenantId());
    body.put("state", view.state().wireName());
    body.put("action_id", view.actionId());
    body.put("entitled", view.entitled());
    body.put("entitlement", status.entitlement());
    body.put("entitlements", overview.entitlements());
    body.put("pending_sign_ups", overview.signUps());
    body.put("policy", view.policy());
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("signals", view.signals());
    counters.put("refusals", view.refusals());
    counters.put("actions", view.actions());
    counters.put("postponed", view.postponed());
    body.put("counters", counters);
    return body;
  }

  private CompletionStage<HttpResponse> receipts(String tenantId, Optional<String> after, Optional<String> limit) {
    long afterSeq = number(after, "after", 0, Long.MAX_VALUE, 0);
    int pageSize = (int) number(limit, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    return edge.gateway().page(tenantId, afterSeq, pageSize).thenApply(page -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("tenant_id", tenantId);
      body.put("receipts", page);
      body.put("next_after", page.size() < pageSize ? null : page.get(page.size() - 1).seq());
      return EdgeErrors.json(StatusCodes.OK, body);
    });
  }

  static HttpResponse verified(ChainVerifier.Result result) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("valid", result.valid());
    body.put("count", result.count());
    if (result.valid()) {
      body.put("head", result.head());
    } else {
      body.put("bad_receipt_id", result.badReceiptId());
      body.put("problem", result.problem());
    }
    return EdgeErrors.json(StatusCodes.OK, body);
  }

  static long number(Optional<String> text, String name, long min, long max, long absent) {
    if (text.isEmpty()) {
      return absent;
    }
    try {
      long value = Long.parseLong(text.get().trim());
      if (value < min || value > max) {
        throw ClientError.badRequest("invalid_parameter", name + " must be between " + min + " and " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ClientError.badRequest("invalid_parameter", name + " is not a whole number");
    }
  }
}
