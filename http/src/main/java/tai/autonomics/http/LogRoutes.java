package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static tai.autonomics.http.ReceiptRoutes.guarded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.tlog.CheckpointRefusedException;
import tai.autonomics.tlog.HashLines;
import tai.autonomics.tlog.TilePath;
import tai.autonomics.tlog.TransparencyLog;

/**
 * The tenants' transparency logs, in the open formats: {@code GET /log/vkey} (the verifier key under the log name)
 * and under {@code /tenants/{id}/log/}: {@code vkey}, {@code checkpoint} (c2sp.org/tlog-checkpoint), {@code tile/...}
 * (c2sp.org/tlog-tiles), {@code proof/inclusion?index=&size=} or {@code ?receipt=} (c2sp.org/tlog-proof@v1) and
 * {@code proof/consistency?old=&new=} (base64 hashes, one per line). Behind the read token; every read runs on the
 * blocking dispatcher. Bad parameters 400 ({@code invalid_parameter}, {@code invalid_tile_path}); a size or tile
 * beyond the tree 404 ({@code beyond_tree}); a tenant without receipts 404 ({@code not_found}); a tree the log
 * refuses to sign, as signing it would fork the log, 409 ({@code checkpoint_refused}, the reason in the detail).
 */
public final class LogRoutes {
  private final EdgeContext edge;
  private final TransparencyLog log;

  public LogRoutes(EdgeContext edge, TransparencyLog log) {
    this.edge = edge;
    this.log = log;
  }

  public Route routes() {
    return concat(
        pathPrefix("log", () -> path("vkey", () -> get(() -> complete(text(log.verifier().vkey() + "\n"))))),
        pathPrefix("tenants", () -> pathPrefix(PathMatchers.segment(), tenant -> pathPrefix("log", () -> get(() ->
            optionalHeaderValueByName("Authorization", auth -> concat(
                path("vkey", () -> read(auth, () -> text(log.verifier(tenant).vkey() + "\n"))),
                path("checkpoint", () -> read(auth, () -> text(checkpoint(tenant)))),
                pathPrefix("tile", () -> extractUnmatchedPath(rest -> read(auth, () -> tile(tenant, rest)))),
                pathPrefix("proof", () -> concat(
                    path("inclusion", () -> parameterOptional("index", index -> parameterOptional("size", size ->
                        parameterOptional("receipt", receipt ->
                            read(auth, () -> inclusion(tenant, index, size, receipt)))))),
                    path("consistency", () -> parameterOptional("old", old -> parameterOptional("new", now ->
                        read(auth, () -> consistency(tenant, old, now))))))))))))));
  }

  @FunctionalInterface
  private interface LogRead {
    HttpResponse read() throws IOException, CheckpointRefusedException;
  }

  private Route read(Optional<String> authorization, LogRead work) {
    return completeWithFuture(guarded(() -> {
      edge.checkReadToken(authorization);
      CompletionStage<HttpResponse> answer = edge.gateway().read(() -> {
        try {
          return work.read();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (CheckpointRefusedException e) {
          // the tree cannot be signed without forking the log (e.g. a ledger restored behind its last checkpoint):
          // a state of the node, not a failure of this request, and retrying does not help
          throw new ClientError(StatusCodes.CONFLICT, "checkpoint_refused", e.getMessage());
        }
      });
      return answer;
    }));
  }

  private String checkpoint(String tenant) throws IOException, CheckpointRefusedException {
    return log.checkpoint(tenant).orElseThrow(() -> notFound(tenant));
  }

  private HttpResponse tile(String tenant, String rest) throws IOException {
    TilePath path;
    try {
      path = TilePath.parse("tile" + rest);
    } catch (IllegalArgumentException e) {
      throw ClientError.badRequest("invalid_tile_path", e.getMessage());
    }
    byte[] bytes = log.tile(tenant, path).orElseThrow(() -> beyond(path + " is not in the tree of "
        + log.origin(tenant) + " (size " + log.size(tenant) + ")"));
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, bytes));
  }

  private HttpResponse inclusion(String tenant, Optional<String> index, Optional<String> size,
      Optional<String> receipt) throws IOException, CheckpointRefusedException {
    if (index.isPresent() == receipt.isPresent()) {
      throw ClientError.badRequest("invalid_parameter", "give either index (with an optional size) or receipt");
    }
    long treeSize = log.size(tenant);
    if (treeSize == 0) {
      throw notFound(tenant);
    }
    long at;
    if (receipt.isPresent()) {
      Receipt found = edge.gateway().node().store().get(receipt.get())
          .filter(r -> r.tenantId().equals(tenant))
          .orElseThrow(() -> new ClientError(StatusCodes.NOT_FOUND, "not_found",
              "tenant " + tenant + " has no receipt " + receipt.get()));
      at = log.indexOf(found).orElseThrow(() -> beyond("receipt " + receipt.get() + " is not in the tree yet"));
    } else {
      at = number(index, "index", 0);
    }
    String note = checkpoint(tenant);
    if (size.isPresent()) {
      long wanted = number(size, "size", 1);
      if (wanted > treeSize) {
        throw beyond("size " + wanted + " is beyond the tree of " + log.origin(tenant) + " (size " + treeSize + ")");
      }
      note = log.checkpointOfSize(tenant, wanted).orElseThrow(() -> new ClientError(StatusCodes.NOT_FOUND,
          "checkpoint_gone", "only the latest checkpoint is served; ask without size, or with a newer one"));
    }
    long proofSize = Long.parseLong(note.split("\n", 3)[1]);
    if (at >= proofSize) {
      throw ClientError.badRequest("invalid_parameter", "index " + at + " is not below the size " + proofSize);
    }
    return text(log.inclusion(tenant, at, note).format());
  }

  private HttpResponse consistency(String tenant, Optional<String> old, Optional<String> now) throws IOException {
    if (old.isEmpty() || now.isEmpty()) {
      throw ClientError.badRequest("invalid_parameter", "give old and new, the two tree sizes");
    }
    long oldSize = number(old, "old", 0);
    long newSize = number(now, "new", 0);
    if (oldSize > newSize) {
      throw ClientError.badRequest("invalid_parameter", "old must not be above new");
    }
    long treeSize = log.size(tenant);
    if (newSize > treeSize) {
      throw beyond("size " + newSize + " is beyond the tree of " + log.origin(tenant) + " (size " + treeSize + ")");
    }
    return text(HashLines.format(log.consistency(tenant, oldSize, newSize)));
  }

  private static long number(Optional<String> text, String name, long min) {
    try {
      long value = Long.parseLong(text.orElseThrow().trim());
      if (value < min) {
        throw ClientError.badRequest("invalid_parameter", name + " must be at least " + min);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ClientError.badRequest("invalid_parameter", name + " is not a whole number");
    }
  }

  private static ClientError beyond(String detail) {
    return new ClientError(StatusCodes.NOT_FOUND, "beyond_tree", detail);
  }

  private static ClientError notFound(String tenant) {
    return new ClientError(StatusCodes.NOT_FOUND, "not_found", "tenant " + tenant + " has no receipts in its log");
  }

  private static HttpResponse text(String body) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, body));
  }
}
