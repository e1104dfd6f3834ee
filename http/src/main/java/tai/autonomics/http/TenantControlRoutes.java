package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static tai.autonomics.http.ReceiptRoutes.guarded;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.governor.Governor;
import tai.autonomics.ledger.Receipt;

/**
 * Operator controls of one tenant, behind the admin token: {@code POST /tenants/{id}/pause}, {@code /resume} and
 * {@code /quarantine/clear}. Each answers 200 with the control's receipt in the tenant's chain, which names the
 * operator (the token's {@code admin-name}); 404 for a tenant never seen, 409 {@code not_quarantined} when there is
 * no quarantine to clear. {@code POST /tenants/{id}/entitlements/{eid}/approve[?sku=S]|reject} settles a held
 * Marketplace approval: 200 with the decision's receipt, 404 {@code not_found}, 409 {@code not_held} or
 * {@code procurement_disabled}.
 */
public final class TenantControlRoutes {
  private final EdgeContext edge;

  public TenantControlRoutes(EdgeContext edge) {
    this.edge = edge;
  }

  public Route routes() {
    return pathPrefix("tenants", () -> pathPrefix(PathMatchers.segment(), tenantId -> post(() ->
        optionalHeaderValueByName("Authorization", authorization -> concat(
            path("pause", () -> control(tenantId, authorization, Governor.Pause::new)),
            path("resume", () -> control(tenantId, authorization, Governor.Resume::new)),
            path(PathMatchers.segment("quarantine").slash("clear"), () ->
                control(tenantId, authorization, Governor.ClearQuarantine::new)),
            path(PathMatchers.segment("entitlements").slash(PathMatchers.segment()).slash("approve"), eid ->
                parameterOptional("sku", sku -> settle(tenantId, eid, true, sku, authorization))),
            path(PathMatchers.segment("entitlements").slash(PathMatchers.segment()).slash("reject"), eid ->
                settle(tenantId, eid, false, Optional.empty(), authorization)))))));
  }

  /** An operator settles a held Marketplace approval: the decision's receipt, then the call to Google follows. */
  private Route settle(String tenantId, String entitlementId, boolean approve, Optional<String> sku,
      Optional<String> authorization) {
    return completeWithFuture(guarded(() -> {
      String admin = edge.checkAdminToken(authorization);
      edge.checkReady();
      if (sku.isPresent() && !sku.get().matches("[A-Za-z0-9._-]{1,64}")) {
        throw ClientError.badRequest("invalid_parameter", "sku must be 1 to 64 letters, digits, . _ -");
      }
      return edge.gateway().settle(tenantId, entitlementId, approve, admin, sku.orElse(null))
          .thenApply(receipt -> EdgeErrors.json(StatusCodes.OK, receipt))
          .exceptionally(TenantControlRoutes::answer);
    }));
  }

  private Route control(String tenantId, Optional<String> authorization,
      BiFunction<String, ActorRef<StatusReply<Receipt>>, Governor.Command> command) {
    return completeWithFuture(guarded(() -> {
      String admin = edge.checkAdminToken(authorization);
      edge.checkReady();
      return known(tenantId).thenCompose(known -> known
          ? edge.gateway().control(tenantId, replyTo -> command.apply(admin, replyTo))
              .thenApply(receipt -> EdgeErrors.json(StatusCodes.OK, receipt))
              .exceptionally(TenantControlRoutes::answer)
          : CompletableFuture.completedFuture(EdgeErrors.refusal(StatusCodes.NOT_FOUND, "not_found",
              "tenant " + tenantId + " has no receipts and no entitlement")));
    }));
  }

  /** As {@link TenantRoutes}: a tenant exists once it has a receipt or an entitlement, so no governor is started. */
  private CompletionStage<Boolean> known(String tenantId) {
    return edge.gateway().head(tenantId).thenCombine(edge.gateway().entitlement(tenantId),
        (head, status) -> head.isPresent() || status.entitlement() != null);
  }

  private static HttpResponse answer(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
    if (cause instanceof StatusReply.ErrorMessage error) {
      switch (error.getMessage()) {
        case "not_quarantined" -> {
          return EdgeErrors.refusal(StatusCodes.CONFLICT, "not_quarantined", "the tenant is not quarantined");
        }
        case "not_found" -> {
          return EdgeErrors.refusal(StatusCodes.NOT_FOUND, "not_found", "the tenant has no such entitlement");
        }
        case "not_held" -> {
          return EdgeErrors.refusal(StatusCodes.CONFLICT, "not_held", "no approval of this entitlement is held");
        }
        case "procurement_disabled" -> {
          return EdgeErrors.refusal(StatusCodes.CONFLICT, "procurement_disabled",
              "autonomics.procurement.enabled is off: nothing is decided here");
        }
        case "ledger_unavailable" -> {
          return EdgeErrors.refusal(StatusCodes.SERVICE_UNAVAILABLE, "ledger_unavailable",
              "the decision could not be recorded; retry later");
        }
        default -> { }
      }
    }
    return EdgeErrors.toResponse(failure);
  }
}
