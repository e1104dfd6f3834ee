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
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /dead-letters?after=SEQ&limit=N} (the node's dead letters in chain order, paged like a tenant's
 * receipts) and {@code GET /dead-letters/verify} (the chain checked like a tenant's), behind the read token.
 */
public final class DeadLetterRoutes {
  private final EdgeContext edge;

  public DeadLetterRoutes(EdgeContext edge) {
    this.edge = edge;
  }

  public Route routes() {
    return pathPrefix("dead-letters", () -> get(() -> optionalHeaderValueByName("Authorization", authorization ->
        concat(
            pathEnd(() -> parameterOptional("after", after -> parameterOptional("limit", limit ->
                completeWithFuture(guarded(() -> {
                  edge.checkReadToken(authorization);
                  long afterSeq = TenantRoutes.number(after, "after", 0, Long.MAX_VALUE, 0);
                  int pageSize = (int) TenantRoutes.number(limit, "limit", 1, TenantRoutes.MAX_LIMIT,
                      TenantRoutes.DEFAULT_LIMIT);
                  return edge.gateway().page(DeadLetters.CHAIN, afterSeq, pageSize).thenApply(page -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("receipts", page);
                    body.put("next_after", page.size() < pageSize ? null : page.get(page.size() - 1).seq());
                    return EdgeErrors.json(StatusCodes.OK, body);
                  });
                }))))),
            path("verify", () -> completeWithFuture(guarded(() -> {
              edge.checkReadToken(authorization);
              return edge.gateway().verify(DeadLetters.CHAIN).thenApply(TenantRoutes::verified);
            })))))));
  }
}
