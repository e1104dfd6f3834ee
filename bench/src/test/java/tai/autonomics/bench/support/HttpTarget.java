package tai.autonomics.bench.support;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import tai.autonomics.bench.load.HttpLoadClient;
import tai.autonomics.bench.load.Request;

/**
 * An HTTP server under load (the node, or the bare server that anchors it), reached through the suites' one load
 * client, with the first few unexpected answers kept for the result file. Requests time out on their own, so a
 * load run stays bounded even against a server that stopped answering.
 */
public final class HttpTarget implements AutoCloseable {
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Connections of the client: the most concurrent requests of any case (the 100-worker bursts) and some spare. */
  public static final int CONNECTIONS = 128;

  private final String name;
  private final HttpLoadClient client;
  private final List<String> failures = new CopyOnWriteArrayList<>();

  public HttpTarget(String name, URI base) {
    this.name = name;
    this.client = HttpLoadClient.create(base, CONNECTIONS, REQUEST_TIMEOUT);
  }

  public String name() {
    return name;
  }

  public URI base() {
    return client.base();
  }

  public CompletionStage<HttpLoadClient.Response> sendGet(String path) {
    return client.get(path);
  }

  public CompletionStage<HttpLoadClient.Response> sendPost(String path, String json) {
    return client.post(path, json);
  }

  /** GET {@code path}; success when the status satisfies {@code ok}. */
  public Request get(String path, IntPredicate ok) {
    return () -> client.get(path).thenApply(response -> judged(path, response, ok));
  }

  /** POST a JSON body made fresh for each request; success when the status satisfies {@code ok}. */
  public Request post(String path, Supplier<String> body, IntPredicate ok) {
    return () -> client.post(path, body.get()).thenApply(response -> judged(path, response, ok));
  }

  private boolean judged(String path, HttpLoadClient.Response response, IntPredicate ok) {
    boolean success = ok.test(response.status());
    if (!success && failures.size() < 5) {
      String body = response.body() == null ? "" : response.body();
      failures.add(path + " " + response.status() + " " + body.substring(0, Math.min(200, body.length())));
    }
    return success;
  }

  /** The first few unexpected answers (path, status, start of the body), for the result file. */
  public List<String> failureSamples() {
    return List.copyOf(failures);
  }

  /** True when the server serves {@code POST path} (anything but 404/405 to an empty object). */
  public boolean serves(String path) {
    try {
      int status = client.post(path, "{}").toCompletableFuture().get(15, TimeUnit.SECONDS).status();
      return status != 404 && status != 405;
    } catch (Exception e) {
      return false;
    }
  }

  /** The status of GET /health now; -1 when there was no answer. */
  public int health() {
    try {
      return client.get("/health").toCompletableFuture().get(15, TimeUnit.SECONDS).status();
    } catch (Exception e) {
      return -1;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
