package tai.autonomics.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tai.autonomics.Json;

/**
 * POSTs the action as JSON to the operator's URL. The receiver can check where it came from with
 * {@code X-Signature: sha256=<hex HMAC-SHA256 of the body under the shared secret>} and de-duplicate retries with
 * {@code Idempotency-Key} (the action id; the body is the same bytes on every attempt, the attempt number travels in
 * {@code X-Attempt}). 2xx succeeds (with the body's {@code result} field when it has one); 5xx, 429, timeouts and
 * connection failures are retryable; any other status fails at once. The call is asynchronous: no thread waits
 * for the answer, and reading the (bounded) answer body runs on the blocking dispatcher.
 */
final class WebhookEffector implements Effector {
  static final String SIGNATURE_HEADER = "X-Signature";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  private static final int MAX_ANSWER_BYTES = 64 * 1024;

  private final ExecutorSettings.Webhook settings;
  private final HttpClient client;
  private final Executor blocking;
  private final SecretKeySpec key;

  WebhookEffector(ExecutorSettings.Webhook settings, Executor blocking) {
    this.settings = settings;
    this.blocking = blocking;
    this.key = new SecretKeySpec(settings.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.client = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(blocking)
        .build();
  }

  @Override
  public CompletionStage<Result> attempt(Action action, int attempt) {
    byte[] body = bodyOf(action);
    HttpRequest request = HttpRequest.newBuilder(settings.url())
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .header(IDEMPOTENCY_HEADER, action.id())
        .header(SIGNATURE_HEADER, "sha256=" + sign(body))
        .header("X-Attempt", Integer.toString(attempt))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(WebhookEffector::resultOf, blocking)
        .exceptionally(WebhookEffector::failureOf);
  }

  /** The JSON the receiver gets; snake_case like receipts. */
  static byte[] bodyOf(Action action) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("action_id", action.id());
    json.put("tenant_id", action.tenantId());
    json.put("type", action.type());
    json.put("params", action.params());
    try {
      return Json.MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an action of strings cannot fail to serialise", e);
    }
  }

  String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static Result resultOf(HttpResponse<InputStream> response) {
    int status = response.statusCode();
    byte[] answer;
    try (InputStream in = response.body()) {
      answer = in.readNBytes(MAX_ANSWER_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (status >= 200 && status < 300) {
      return Effector.succeeded(resultField(answer));
    }
    String reason = "http_" + status;
    return status >= 500 || status == 429 ? Effector.retryable(reason) : Effector.permanent(reason);
  }

  private static String resultField(byte[] answer) {
    try {
      JsonNode result = answer.length == 0 ? null : Json.MAPPER.readTree(answer).get("result");
      return result != null && result.isTextual() ? result.asText() : "delivered";
    } catch (IOException notJson) {
      return "delivered";
    }
  }

  private static Result failureOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof UncheckedIOException unchecked) {
      cause = unchecked.getCause();
    }
    if (cause instanceof HttpTimeoutException) {
      return Effector.retryable("webhook_timeout");
    }
    if (cause instanceof IOException) {
      return Effector.retryable("webhook_unreachable");
    }
    return Effector.permanent("webhook_error");
  }
}
