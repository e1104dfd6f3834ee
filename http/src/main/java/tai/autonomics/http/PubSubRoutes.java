package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.Signal;

/**
 * {@code POST /pubsub}: a Pub/Sub push carrying one signal. The token is checked before the body is read; a
 * message seen before (same tenant, subscription and messageId) is answered with its original receipt without
 * asking the governor; otherwise the tenant's
 * governor decides (it is started on first use) and the answer is the receipt, once durable. 200 for every decision,
 * business refusals included (Pub/Sub must not redeliver them); 400 malformed, 401, 413, 503 (Pub/Sub retries).
 */
public final class PubSubRoutes {
  private final EdgeContext edge;

  public PubSubRoutes(EdgeContext edge) {
    this.edge = edge;
  }

  public Route routes() {
    return path("pubsub", () -> post(() -> optionalHeaderValueByName("Authorization", authorization ->
        extractRequestEntity(entity -> completeWithFuture(handle(authorization, entity))))));
  }

  private CompletionStage<HttpResponse> handle(Optional<String> authorization, HttpEntity entity) {
    long started = System.nanoTime();
    CompletionStage<HttpResponse> answer;
    try {
      edge.checkReady();
      answer = edge.authenticatePush(authorization)
          .thenCompose(claims -> edge.body(entity, edge.settings().pubsubMaxBytes()))
          .thenCompose(body -> process(body, started));
    } catch (ClientError error) {
      answer = CompletableFuture.failedFuture(error);
    }
    return answer.exceptionally(failure -> {
      HttpResponse response = EdgeErrors.toResponse(failure);
      edge.metrics().refusedAtEdge(reasonOf(failure, response));
      return response;
    });
  }

  private CompletionStage<HttpResponse> process(ByteString body, long started) {
    PushEnvelope envelope = PushEnvelope.decode(PushEnvelope.parseObject(body.toArray(), "the push envelope"));
    Signal signal = SignalDecoder.decode(envelope);
    edge.metrics().signalReceived(signal.tenantId());
    if (signal.messageId() == null) {
      return decide(signal, started);
    }
    MessageKey key = new MessageKey(signal.tenantId(), signal.subscription(), signal.messageId());
    return edge.gateway().receiptForMessage(key).thenCompose(original -> original.isPresent()
        ? CompletableFuture.completedFuture(EdgeErrors.json(StatusCodes.OK, original.get()))
        : decide(signal, started));
  }

  private CompletionStage<HttpResponse> decide(Signal signal, long started) {
    return edge.gateway().signal(signal).thenApply(receipt -> {
      edge.metrics().decided(receipt, System.nanoTime() - started);
      return ok(receipt);
    });
  }

  private static HttpResponse ok(Receipt receipt) {
    return EdgeErrors.json(StatusCodes.OK, receipt);
  }

  static String reasonOf(Throwable failure, HttpResponse response) {
    Throwable cause = failure;
    while (cause.getCause() != null && !(cause instanceof ClientError)) {
      cause = cause.getCause();
    }
    if (cause instanceof ClientError error) {
      return error.reason();
    }
    return switch (response.status().intValue()) {
      case 413 -> "payload_too_large";
      case 503 -> "overloaded";
      default -> "internal_error";
    };
  }
}
