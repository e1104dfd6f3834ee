package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static tai.autonomics.http.ReceiptRoutes.guarded;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.PolicyRecords;

/**
 * {@code GET /policies/{version}} (behind the read token: the {@code policy} record of a pack version, what replay
 * decides under) and {@code POST /admin/policies/reload} (behind the admin token: the pack file read again, its new
 * versions recorded, then the packs swapped all at once; a file that does not check is refused with the message of
 * {@code node.jar check-policies} and the packs in use stay). Tenants take the new version at their next signal.
 */
public final class PolicyRoutes {
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final EdgeContext edge;
  private final PolicyPacks packs;

  public PolicyRoutes(EdgeContext edge) {
    this.edge = edge;
    this.packs = edge.gateway().node().packs();
  }

  public Route routes() {
    return optionalHeaderValueByName("Authorization", authorization -> concat(
        pathPrefix("policies", () -> path(PathMatchers.segment(), version -> get(() ->
            completeWithFuture(guarded(() -> {
              edge.checkReadToken(authorization);
              return policy(version);
            }))))),
        path(PathMatchers.segment("admin").slash("policies").slash("reload"), () -> post(() ->
            completeWithFuture(guarded(() -> reload(edge.checkAdminToken(authorization))))))));
  }

  private CompletionStage<HttpResponse> policy(String version) {
    return edge.gateway().read(() -> edge.gateway().node().store().findByMessageId(PolicyRecords.key(version)))
        .thenApply(found -> found
            .map(record -> EdgeErrors.json(StatusCodes.OK, body(record)))
            .orElseGet(() -> EdgeErrors.refusal(StatusCodes.NOT_FOUND, "not_found",
                "no policy record for version " + version)));
  }

  /** The record with its pack as a JSON object, so a client need not parse the text the record keeps. */
  static Map<String, Object> body(Receipt record) {
    Map<String, Object> body = new LinkedHashMap<>();
    String reference = record.policy();
    body.put("name", reference.substring(0, reference.lastIndexOf('@')));
    body.put("version", record.messageId());
    try {
      body.put("pack", Json.MAPPER.readTree(record.inputs().get(PolicyRecords.PACK)));
    } catch (IOException e) {
      throw new IllegalStateException("policy record " + record.id() + " holds no JSON", e);
    }
    body.put("receipt", record);
    return body;
  }

  private CompletionStage<HttpResponse> reload(String admin) {
    if (packs.file().isEmpty()) {
      throw new ClientError(StatusCodes.CONFLICT, "no_policy_file",
          "autonomics.policy.file is not set: there is no pack file to reload");
    }
    // the file is read on the blocking dispatcher: a disk read is no work for the default one
    return edge.gateway().read(() -> {
      try {
        return packs.readAgain();
      } catch (IllegalArgumentException e) {
        throw ClientError.badRequest("invalid_policy", e.getMessage());
      }
    }).thenCompose(next -> edge.gateway().recordPolicies(next).thenApply(records -> {
      Map<String, String> before = references(packs);
      // every version now in use has its record: only then do tenants see it
      packs.replaceWith(next);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("packs", references(next));
      body.put("previous", before);
      body.put("file", packs.file().get().toString());
      body.put("by", admin);
      return EdgeErrors.json(StatusCodes.OK, body);
    }));
  }

  /**
   * Writes the packs' records at start. Completes after the first try, whatever its outcome: a ledger that refuses
   * them (overloaded, unavailable) is asked again with a growing delay (1 s to 30 s) until they are durable or the
   * node stops; records are found by version, so one written after the first decisions under it serves them too.
   */
  static CompletionStage<Void> recordAtStart(ActorSystem<?> system, NodeGateway gateway, PolicyPacks packs) {
    return recordOnce(system, gateway, packs, Duration.ofSeconds(1));
  }

  private static CompletionStage<Void> recordOnce(ActorSystem<?> system, NodeGateway gateway, PolicyPacks packs,
      Duration retryIn) {
    return gateway.recordPolicies(packs).handle((records, failure) -> {
      if (failure != null && !system.whenTerminated().isCompleted()) {
        system.log().warn("the policy records could not be written ({}); trying again in {}", failure.getMessage(),
            retryIn);
        Duration next = retryIn.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryIn.multipliedBy(2);
        system.scheduler().scheduleOnce(retryIn, () -> recordOnce(system, gateway, packs, next),
            system.executionContext());
      }
      return null;
    });
  }

  private static Map<String, String> references(PolicyPacks packs) {
    Map<String, String> out = new TreeMap<>();
    packs.all().forEach((sku, pack) -> out.put(sku, pack.reference()));
    return out;
  }
}
