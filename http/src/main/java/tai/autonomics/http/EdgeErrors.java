package tai.autonomics.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;

/**
 * The one place that turns outcomes into HTTP answers: JSON bodies, client errors as 4xx with a stable
 * {@code reason}, timeouts and overload as 503 (so Pub/Sub backs off and retries), and anything unexpected as a
 * JSON 500 without a stack trace (the trace goes to the log). Every route, rejection and exception goes through it.
 */
public final class EdgeErrors {
  private static final Logger log = LoggerFactory.getLogger(EdgeErrors.class);
  private static final long RETRY_AFTER_SECONDS = 1;

  /**
   * The project's mapper, writing receipts (alone, in pages, in views) as their canonical JSON: one form for every
   * answer that carries a receipt, and several times cheaper than Jackson's bean serializer on the busiest answers.
   */
  private static final ObjectMapper ANSWERS = Json.MAPPER.copy().registerModule(new SimpleModule()
      .addSerializer(Receipt.class, new StdSerializer<>(Receipt.class) {
        @Override
        public void serialize(Receipt receipt, JsonGenerator out, SerializerProvider provider) throws IOException {
          out.writeRawValue(receipt.toCanonicalJson());
        }
      }));

  private EdgeErrors() {}

  public static HttpResponse json(StatusCode status, Object body) {
    byte[] bytes;
    try {
      // as String.getBytes has it: a lone surrogate, which UTF-8 cannot carry, becomes '?' (and cannot be stored)
      bytes = body instanceof Receipt receipt
          ? receipt.toCanonicalJson().getBytes(StandardCharsets.UTF_8) : ANSWERS.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
        bytes));
  }

  /**
   * {@code {"type":"refusal","reason":...,"detail":...}}; a 503 also says {@code Retry-After: 1} (Pub/Sub backs off
   * by its own policy; other clients are told the refusal is transient and when to try again).
   */
  public static HttpResponse refusal(StatusCode status, String reason, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "refusal");
    body.put("reason", reason);
    body.put("detail", detail == null ? "" : detail);
    HttpResponse response = json(status, body);
    return status.intValue() == 503 ? response.addHeader(RetryAfter.create(RETRY_AFTER_SECONDS)) : response;
  }

  /** The answer to a failed stage: the mapping every route uses. */
  public static HttpResponse toResponse(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ClientError error) {
      return refusal(error.status(), error.reason(), error.detail());
    }
    if (cause instanceof EntityStreamSizeException size) {
      return refusal(StatusCodes.PAYLOAD_TOO_LARGE, "payload_too_large",
          "the body exceeds the limit of " + size.limit() + " bytes");
    }
    if (cause instanceof EntityStreamException stream) {
      // the request parser's own limit (pekko.http.server.parsing.max-content-length) or a broken body stream
      String summary = stream.info().summary();
      return summary.contains("too large")
          ? refusal(StatusCodes.PAYLOAD_TOO_LARGE, "payload_too_large", summary)
          : refusal(StatusCodes.BAD_REQUEST, "invalid_body", summary);
    }
    if (cause instanceof TimeoutException) {
      return refusal(StatusCodes.SERVICE_UNAVAILABLE, "overloaded", "the node did not answer in time; retry later");
    }
    if (cause instanceof StatusReply.ErrorMessage error) {
      // errors the actors answer with: "overloaded" and "ledger_unavailable" are both worth a retry
      return refusal(StatusCodes.SERVICE_UNAVAILABLE, error.getMessage(), "the node cannot take this now; retry later");
    }
    log.error("unexpected failure at the HTTP edge", cause);
    return refusal(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error; see the node log");
  }

  /** {@code stage}, with failures answered through {@link #toResponse}. */
  public static CompletionStage<HttpResponse> recover(CompletionStage<HttpResponse> stage) {
    return stage.exceptionally(EdgeErrors::toResponse);
  }

  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(Throwable.class, failure -> Directives.complete(toResponse(failure)))
        .build();
  }

  /** Pekko's default rejection handling (404, 405, 413, ...) with its answers rewritten as JSON error bodies. */
  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      String detail = response.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : "";
      return refusal(response.status(), reasonOf(response.status()), detail)
          .addHeaders(response.getHeaders());
    });
  }

  private static String reasonOf(StatusCode status) {
    return switch (status.intValue()) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 401 -> "unauthorized";
      case 503 -> "overloaded";
      default -> status.intValue() < 500 ? "bad_request" : "internal_error";
    };
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
