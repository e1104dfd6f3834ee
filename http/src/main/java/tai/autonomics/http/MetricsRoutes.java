package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static tai.autonomics.http.ReceiptRoutes.guarded;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the Prometheus text exposition of the node's registry. A scrape evaluates gauges that read
 * the store, so it runs on the blocking dispatcher. Guarded by the read token when one is configured.
 */
public final class MetricsRoutes {
  /** text/plain; version=0.0.4 is what Prometheus expects from a text-format endpoint. */
  private static final ContentType TEXT_FORMAT = MediaTypes.TEXT_PLAIN.toContentType(HttpCharsets.UTF_8);

  private final EdgeContext edge;
  private final PrometheusMeterRegistry registry;

  public MetricsRoutes(EdgeContext edge, PrometheusMeterRegistry registry) {
    this.edge = edge;
    this.registry = registry;
  }

  public Route routes() {
    return path("metrics", () -> get(() -> optionalHeaderValueByName("Authorization", authorization ->
        completeWithFuture(guarded(() -> {
          edge.checkReadToken(authorization);
          return edge.gateway().read(() -> HttpResponse.create().withEntity(HttpEntities.create(TEXT_FORMAT,
              registry.scrape().getBytes(StandardCharsets.UTF_8))));
        })))));
  }
}
