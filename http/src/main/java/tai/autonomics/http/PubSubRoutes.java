package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.Signal;

/**
 * {@code POST /pubsub}: a Pub/Sub push, wrapped or unwrapped, carrying one signal. The token is checked before the
 * body is read; a message seen before (the same tenant, subscription and messageId: {@link MessageKey}) is answered
 * with its original receipt without asking the governor; otherwise
 * the tenant's governor decides (it is started on first use) and the answer is the receipt, once durable. 200 for
 * every decision, business refusals included (Pub/Sub must not redeliver them). A push that can never succeed is,
 * by the ack policy ({@link DeadLetters}), a refusal receipt of the tenant it names or else a dead letter, answered
 * 200; or 400 with {@code poison = reject}. 401, 413, 503 (Pub/Sub retries).
 */
public final class PubSubRoutes {
  private final EdgeContext edge;
  private final DeadLetters deadLetters;

  public PubSubRoutes(EdgeContext edge) {
    this.edge = edge;
    this.deadLetters = new DeadLetters(edge);
  }

  public Route routes() {
    return path("pubsub", () -> post(() -> extractRequest(request ->
        completeWithFuture(handle(request)))));
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    long started = System.nanoTime();
    CompletionStage<HttpResponse> answer;
    try {
      edge.checkReady();
      answer = edge.authenticatePush(request.getHeader("Authorization").map(HttpHeader::value))
          .thenCompose(claims -> edge.body(request.entity(), edge.settings().pubsubMaxBytes()))
          .thenCompose(body -> process(request, body.toArray(), started));
    } catch (ClientError error) {
      answer = CompletableFuture.failedFuture(error);
    }
    return answer.exceptionally(failure -> {
      HttpResponse response = EdgeErrors.toResponse(failure);
      edge.metrics().refusedAtEdge(reasonOf(failure, response));
      return response;
    });
  }

  private CompletionStage<HttpResponse> process(HttpRequest request, byte[] body, long started) {
    boolean unwrapped = PushHeaders.isUnwrapped(request);
    Signal decoded;
    try {
      PushEnvelope envelope = unwrapped ? PushHeaders.decode(request, body)
          : PushEnvelope.decode(PushEnvelope.parseObject(body, "the push envelope"));
      decoded = SignalDecoder.decode(envelope);
    } catch (ClientError error) {
      if (!deadLetters.acknowledges(error)) {
        throw error;
      }
      PushEnvelope salvaged = unwrapped ? PushHeaders.salvage(request, body) : PushEnvelope.salvage(body);
      String tenant = SignalDecoder.knownTenant(salvaged);
      if (tenant == null) {
        edge.metrics().refusedAtEdge(error.reason());
        return deadLetters.record("POST /pubsub", error.reason(), error.detail(), salvaged, body);
      }
      // the tenant is named beyond doubt: its governor writes the invalid_signal refusal into its own chain
      decoded = new Signal(tenant, null, null, null, salvaged.messageId(), salvaged.delivery());
    }
    return deliver(decoded, started);
  }

  private CompletionStage<HttpResponse> deliver(Signal signal, long started) {
    edge.metrics().signalReceived(signal.tenantId());
    if (signal.messageId() == null || signal.tenantId() == null) {
      return decide(signal, started);
    }
    String subscription = signal.delivery() == null ? null : signal.delivery().subscription();
    MessageKey key = new MessageKey(signal.tenantId(), subscription, signal.messageId());
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
