package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /receipts/{id}}: one receipt by id, straight from the store; 404 when there is none. */
public final class ReceiptRoutes {
  private final EdgeContext edge;

  public ReceiptRoutes(EdgeContext edge) {
    this.edge = edge;
  }

  public Route routes() {
    return pathPrefix("receipts", () -> path(PathMatchers.segment(), id -> get(() ->
        optionalHeaderValueByName("Authorization", authorization -> completeWithFuture(guarded(() -> {
          edge.checkReadToken(authorization);
          return edge.gateway().receipt(id).thenApply(found -> found
              .map(receipt -> EdgeErrors.json(StatusCodes.OK, receipt))
              .orElseGet(() -> EdgeErrors.refusal(StatusCodes.NOT_FOUND, "not_found", "no receipt " + id)));
        }))))));
  }

  /** Runs {@code work}, answering its failures (thrown or in the stage) through {@link EdgeErrors}. */
  static CompletionStage<HttpResponse> guarded(Supplier<CompletionStage<HttpResponse>> work) {
    CompletionStage<HttpResponse> stage;
    try {
      stage = work.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return EdgeErrors.recover(stage);
  }
}
