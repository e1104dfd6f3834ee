package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static tai.autonomics.http.ReceiptRoutes.guarded;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /admin/backup}, behind the admin token: an online backup of the ledger as a RocksDB checkpoint in
 * {@code <data-dir>/backups/<UTC time>}. Every receipt acknowledged before the request is in it; on the data
 * directory's file system its files are hard links, so it costs little disk until compaction rewrites the originals.
 * Restoring is copying it to {@code <data-dir>/ledger} of a stopped node (docs/OPERATIONS.md).
 */
public final class BackupRoutes {
  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final EdgeContext edge;
  private final Path backups;

  public BackupRoutes(EdgeContext edge) {
    this.edge = edge;
    this.backups = edge.gateway().node().settings().ledger().dataDir().resolve("backups");
  }

  public Route routes() {
    return path(PathMatchers.segment("admin").slash("backup"), () -> post(() ->
        optionalHeaderValueByName("Authorization", authorization -> completeWithFuture(guarded(() -> {
          String admin = edge.checkAdminToken(authorization);
          return backup(admin);
        })))));
  }

  private CompletionStage<HttpResponse> backup(String admin) {
    Path target = backups.resolve(NAME.format(Instant.now())).toAbsolutePath();
    return edge.gateway().read(() -> {
      // read first: every receipt up to it was acknowledged before the checkpoint, so it is in the copy
      long lastSeq = edge.gateway().node().store().lastSeq();
      try {
        edge.gateway().node().store().checkpoint(target);
      } catch (UnsupportedOperationException e) {
        throw new ClientError(StatusCodes.CONFLICT, "backup_unsupported", e.getMessage()
            + ": only the rocksdb store is backed up here (in cluster mode, back up PostgreSQL with pg_dump)");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("path", target.toString());
      body.put("contains_seq_up_to", lastSeq);
      body.put("by", admin);
      return EdgeErrors.json(StatusCodes.OK, body);
    });
  }
}
