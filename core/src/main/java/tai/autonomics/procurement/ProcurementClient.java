package tai.autonomics.procurement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tai.autonomics.Json;

/**
 * The provider's side of the Cloud Commerce Partner Procurement API (v1): entitlements get, approve, reject,
 * approvePlanChange, rejectPlanChange; accounts get, approve, reject. Every method answers a
 * {@link ProcurementResult} and never throws. The paths and bodies are those of Google's REST reference
 * ({@code POST /v1/providers/{provider}/entitlements/{id}:approve} and so on); approvals answer Google's empty
 * body, gets the resource.
 *
 * <p>Why the JDK HttpClient and not Google's generated Java client or pekko-http: the only
 * {@code google-api-services-cloudcommerceprocurement} on Maven Central is {@code v1-rev20210417-1.31.0} (2021,
 * never updated: it lacks fields Google added since, and drags in google-api-client 1.31); pekko-http is not a
 * dependency of core, where the decisions that call Google will live. The JDK client is asynchronous, has
 * per-request timeouts, and runs on the bounded executors made here, never on a Pekko dispatcher.
 *
 * <p>Lifecycle: one per node ({@link Procurement} holds it); {@link #close} stops its threads.
 */
public final class ProcurementClient implements AutoCloseable {
  /** Ids that are safe as one path segment; anything else is refused before a call is made. */
  static final String ID_PATTERN = "[A-Za-z0-9._~-]{1,200}";
  /** What an account id (a sign-up JWT's {@code sub}) must look like to be sent to Google. */
  public static final String ACCOUNT_ID_PATTERN = ID_PATTERN;
  /** The OAuth scope the reference names for every method. */
  public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  private final ProcurementSettings settings;
  private final ThreadPoolExecutor httpExecutor;
  private final ThreadPoolExecutor tokenExecutor;
  private final ProcurementHttp http;

  private ProcurementClient(ProcurementSettings settings, GoogleCredentials credentials) {
    this.settings = settings;
    // in-flight calls are bounded by max-in-flight, and each has at most a few tasks queued at a time
    this.httpExecutor = executor("procurement-http", settings.threads(), settings.maxInFlight() * 8);
    this.tokenExecutor = executor("procurement-token", settings.threads(), settings.maxInFlight());
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .executor(httpExecutor)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.http = new ProcurementHttp(settings, credentials, client, httpExecutor, tokenExecutor,
        new Backoff(settings.backoffMin(), settings.backoffMax(), () -> ThreadLocalRandom.current().nextDouble()));
  }

  /** A client for enabled settings; the credentials file is read now (a bad one fails here, naming the key). */
  public static ProcurementClient create(ProcurementSettings settings) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("autonomics.procurement.enabled is off");
    }
    GoogleCredentials credentials;
    try (InputStream in = new FileInputStream(settings.credentialsFile())) {
      credentials = GoogleCredentials.fromStream(in).createScoped(List.of(SCOPE));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("autonomics.procurement.credentials-file " + settings.credentialsFile()
          + " is not a service-account key: " + e.getMessage(), e);
    }
    return new ProcurementClient(settings, credentials);
  }

  public ProcurementSettings settings() {
    return settings;
  }

  /** {@code providers.entitlements.get}. */
  public CompletionStage<ProcurementResult<ProcurementEntitlement>> getEntitlement(String entitlementId) {
    return call("GET", entitlement(entitlementId, ""), null).thenApply(r -> r.map(ProcurementEntitlement::of));
  }

  /** {@code providers.entitlements.approve}: ENTITLEMENT_ACTIVATION_REQUESTED becomes active. */
  public CompletionStage<ProcurementResult<Void>> approveEntitlement(String entitlementId) {
    return empty(call("POST", entitlement(entitlementId, ":approve"), body()));
  }

  /** {@code providers.entitlements.reject} with a reason (Google keeps 256 bytes of it). */
  public CompletionStage<ProcurementResult<Void>> rejectEntitlement(String entitlementId, String reason) {
    return empty(call("POST", entitlement(entitlementId, ":reject"), body("reason", reason)));
  }

  /** {@code providers.entitlements.approvePlanChange} of the pending plan Google named. */
  public CompletionStage<ProcurementResult<Void>> approvePlanChange(String entitlementId, String pendingPlanName) {
    return empty(call("POST", entitlement(entitlementId, ":approvePlanChange"),
        body("pendingPlanName", pendingPlanName)));
  }

  /** {@code providers.entitlements.rejectPlanChange} of the pending plan, with a reason. */
  public CompletionStage<ProcurementResult<Void>> rejectPlanChange(String entitlementId, String pendingPlanName,
      String reason) {
    return empty(call("POST", entitlement(entitlementId, ":rejectPlanChange"),
        body("pendingPlanName", pendingPlanName, "reason", reason)));
  }

  /** {@code providers.accounts.get}. */
  public CompletionStage<ProcurementResult<ProcurementAccount>> getAccount(String accountId) {
    return call("GET", account(accountId, ""), null).thenApply(r -> r.map(ProcurementAccount::of));
  }

  /** {@code providers.accounts.approve} of the named approval ({@code signup} after a sign-up). */
  public CompletionStage<ProcurementResult<Void>> approveAccount(String accountId, String approvalName,
      String reason) {
    return empty(call("POST", account(accountId, ":approve"), body("approvalName", approvalName, "reason", reason)));
  }

  /** {@code providers.accounts.reject} of the named approval, with a reason. */
  public CompletionStage<ProcurementResult<Void>> rejectAccount(String accountId, String approvalName,
      String reason) {
    return empty(call("POST", account(accountId, ":reject"), body("approvalName", approvalName, "reason", reason)));
  }

  @Override
  public void close() {
    httpExecutor.shutdownNow();
    tokenExecutor.shutdownNow();
  }

  private CompletionStage<ProcurementResult<JsonNode>> call(String method, String path, JsonNode body) {
    if (path == null) {
      return CompletableFuture.completedFuture(new ProcurementResult.Failed<>(0, "INVALID_ARGUMENT",
          "an id must match " + ID_PATTERN, 0));
    }
    return http.call(method, path, body);
  }

  private String entitlement(String id, String verb) {
    return id != null && id.matches(ID_PATTERN)
        ? "/v1/providers/" + settings.providerId() + "/entitlements/" + id + verb : null;
  }

  private String account(String id, String verb) {
    return id != null && id.matches(ID_PATTERN)
        ? "/v1/providers/" + settings.providerId() + "/accounts/" + id + verb : null;
  }

  /** A JSON object of the non-null pairs given. */
  private static ObjectNode body(String... pairs) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        body.put(pairs[i], pairs[i + 1]);
      }
    }
    return body;
  }

  private static CompletionStage<ProcurementResult<Void>> empty(CompletionStage<ProcurementResult<JsonNode>> call) {
    return call.thenApply(r -> r.map(json -> null));
  }

  private static ThreadPoolExecutor executor(String name, int threads, int queue) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), runnable -> {
          Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
