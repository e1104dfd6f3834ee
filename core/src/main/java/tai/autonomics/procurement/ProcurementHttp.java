package tai.autonomics.procurement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import tai.autonomics.Json;

/**
 * One call to the Partner Procurement API with its retries: an OAuth2 access token from the service-account
 * credentials (fetched and refreshed by google-auth-library, which blocks, so on the token executor), then the
 * request on the JDK HttpClient (asynchronous, on the HTTP executor), then a typed outcome. 429, 5xx, timeouts and
 * broken connections are retried with {@link Backoff}; a 401 refreshes the token before the next attempt; other
 * 4xx are final. At most {@code max-in-flight} calls run at once, retries included; a call beyond that is answered
 * at once as exhausted, so nothing waits unbounded.
 */
final class ProcurementHttp {
  private final ProcurementSettings settings;
  private final GoogleCredentials credentials;
  private final HttpClient http;
  private final Executor httpExecutor;
  private final Executor tokenExecutor;
  private final Backoff backoff;
  private final Semaphore inFlight;

  ProcurementHttp(ProcurementSettings settings, GoogleCredentials credentials, HttpClient http, Executor httpExecutor,
      Executor tokenExecutor, Backoff backoff) {
    this.settings = settings;
    this.credentials = credentials;
    this.http = http;
    this.httpExecutor = httpExecutor;
    this.tokenExecutor = tokenExecutor;
    this.backoff = backoff;
    this.inFlight = new Semaphore(settings.maxInFlight());
  }

  /** {@code method} on {@code path} (under the base URL) with a JSON body (null for GET). */
  CompletionStage<ProcurementResult<JsonNode>> call(String method, String path, JsonNode body) {
    if (!inFlight.tryAcquire()) {
      return CompletableFuture.completedFuture(new ProcurementResult.Exhausted<>(0,
          "overloaded: " + settings.maxInFlight() + " Procurement calls in flight"));
    }
    CompletableFuture<ProcurementResult<JsonNode>> result = new CompletableFuture<>();
    result.whenComplete((r, e) -> inFlight.release());
    byte[] bytes;
    try {
      bytes = body == null ? null : Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      result.complete(new ProcurementResult.Failed<>(0, "INVALID_ARGUMENT", "the request body: " + e, 0));
      return result;
    }
    URI uri = URI.create(settings.baseUrl() + path);
    attempt(1, false, method, uri, bytes, result);
    return result;
  }

  private void attempt(int n, boolean refresh, String method, URI uri, byte[] body,
      CompletableFuture<ProcurementResult<JsonNode>> result) {
    CompletableFuture<String> token;
    try {
      token = CompletableFuture.supplyAsync(() -> token(refresh), tokenExecutor);
    } catch (RuntimeException rejected) {
      result.complete(new ProcurementResult.Exhausted<>(n - 1, "overloaded: the token executor is full"));
      return;
    }
    token.thenCompose(accessToken -> http.sendAsync(request(method, uri, body, accessToken),
            HttpResponse.BodyHandlers.ofByteArray()))
        .whenComplete((response, failure) -> {
          Outcome outcome = failure != null ? Outcome.transientFailure(describe(failure), 0, false)
              : classify(response, n);
          if (outcome.result() != null) {
            result.complete(outcome.result());
          } else if (n >= settings.maxAttempts()) {
            result.complete(new ProcurementResult.Exhausted<>(n, outcome.error()));
          } else {
            long delay = backoff.delayMillis(n, outcome.retryAfterMillis());
            // a retry that finds the executor full (or shut down) ends the call instead of being lost
            Executor retryOnHttp = task -> {
              try {
                httpExecutor.execute(task);
              } catch (RejectedExecutionException e) {
                result.complete(new ProcurementResult.Exhausted<>(n, outcome.error() + "; no thread for a retry"));
              }
            };
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, retryOnHttp)
                .execute(() -> attempt(n + 1, outcome.refreshToken(), method, uri, body, result));
          }
        });
  }

  /** A final result, or (result null) a transient failure to retry. */
  private record Outcome(ProcurementResult<JsonNode> result, String error, long retryAfterMillis,
      boolean refreshToken) {
    static Outcome transientFailure(String error, long retryAfterMillis, boolean refreshToken) {
      return new Outcome(null, error, retryAfterMillis, refreshToken);
    }
  }

  private Outcome classify(HttpResponse<byte[]> response, int attempt) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Outcome(new ProcurementResult.Ok<>(parse(response.body()), attempt), null, 0, false);
    }
    JsonNode error = parse(response.body()).path("error");
    String googleStatus = error.path("status").asText("");
    String message = error.path("message").asText("");
    String summary = "HTTP " + status + (googleStatus.isEmpty() ? "" : " " + googleStatus)
        + (message.isEmpty() ? "" : ": " + message);
    if (status == 429 || status >= 500) {
      return Outcome.transientFailure(summary, retryAfterMillis(response), false);
    }
    if (status == 401) {
      // an access token Google no longer takes (revoked, or expired early): a fresh one may well work
      return Outcome.transientFailure(summary, 0, true);
    }
    return new Outcome(new ProcurementResult.Failed<>(status, googleStatus.isEmpty() ? "HTTP_" + status
        : googleStatus, message, attempt), null, 0, false);
  }

  private String token(boolean refresh) {
    try {
      if (refresh) {
        credentials.refresh();
      } else {
        credentials.refreshIfExpired();
      }
      return credentials.getAccessToken().getTokenValue();
    } catch (IOException e) {
      throw new IllegalStateException("no access token: " + e.getMessage(), e);
    }
  }

  private HttpRequest request(String method, URI uri, byte[] body, String accessToken) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(settings.requestTimeout())
        .header("Authorization", "Bearer " + accessToken)
        .header("Accept", "application/json");
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private static long retryAfterMillis(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(value -> {
      try {
        return Math.max(0, Long.parseLong(value.trim())) * 1000;
      } catch (NumberFormatException e) {
        return 0L; // an HTTP date: the backoff alone decides
      }
    }).orElse(0L);
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return JsonNodeFactory.instance.objectNode();
    }
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
        || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpTimeoutException) {
      return "timeout: " + cause.getMessage();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
