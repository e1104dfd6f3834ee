package tai.autonomics.bench.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import tai.autonomics.bench.load.Request;
import tai.autonomics.http.Main;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;

/**
 * A real node (actors, store, HTTP) started in this JVM through {@code Main.startNode} on 127.0.0.1 and a free port,
 * and an HTTP client that loads it over real connections. Requests time out on their own, so a load run stays
 * bounded even against a node that stopped answering.
 */
public final class NodeHarness implements AutoCloseable {
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final Main.Running running;
  private final BenchStores.Opened store;
  private final HttpClient client;
  private final ExecutorService clientThreads;
  private final String base;
  private final List<String> failures = new CopyOnWriteArrayList<>();

  private NodeHarness(Main.Running running, BenchStores.Opened store) {
    this.running = running;
    this.store = store;
    this.clientThreads = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "bench-http-client");
      thread.setDaemon(true);
      return thread;
    });
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).executor(clientThreads).build();
    this.base = "http://127.0.0.1:" + running.port();
  }

  /** Starts a node on the embedded defaults plus {@code overrides}, its store under {@code dataDir}. */
  public static NodeHarness start(Config overrides, Path dataDir) {
    Config config = overrides
        .withFallback(ConfigFactory.parseString("""
            autonomics.http { interface = "127.0.0.1", port = 0 }
            autonomics.entitlements.refuse-unknown-tenants = false
            pekko.loglevel = WARNING
            """))
        .withFallback(ConfigFactory.load());
    BenchStores.Opened opened = BenchStores.open(config, dataDir);
    Config effective = opened.config();
    try {
      Main.Running running = Main.startNode(effective, NodeSettings.create(effective),
          PolicyPacks.create(effective), opened.store()).get(60, TimeUnit.SECONDS);
      return new NodeHarness(running, opened);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not start", e);
    }
  }

  public String storeKind() {
    return store.kind();
  }

  public URI uri(String path) {
    return URI.create(base + path);
  }

  public CompletionStage<HttpResponse<String>> send(HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** GET {@code path}; success when the status satisfies {@code ok}. */
  public Request get(String path, IntPredicate ok) {
    return () -> send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build())
        .thenApply(response -> judged(path, response, ok));
  }

  /** POST a JSON body made fresh for each request; success when the status satisfies {@code ok}. */
  public Request post(String path, Supplier<String> body, IntPredicate ok) {
    return () -> send(postRequest(path, body.get())).thenApply(response -> judged(path, response, ok));
  }

  private boolean judged(String path, HttpResponse<String> response, IntPredicate ok) {
    boolean success = ok.test(response.statusCode());
    if (!success && failures.size() < 5) {
      String body = response.body() == null ? "" : response.body();
      failures.add(path + " " + response.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
    }
    return success;
  }

  /** The first few unexpected answers (path, status, start of the body), for the result file. */
  public List<String> failureSamples() {
    return List.copyOf(failures);
  }

  public HttpRequest postRequest(String path, String body) {
    return HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** True when the node serves {@code POST path} (anything but 404/405 to an empty object). */
  public boolean serves(String path) {
    try {
      int status = send(postRequest(path, "{}")).toCompletableFuture().get(10, TimeUnit.SECONDS).statusCode();
      return status != 404 && status != 405;
    } catch (Exception e) {
      return false;
    }
  }

  /** The status of GET /health now. */
  public int health() {
    try {
      return send(HttpRequest.newBuilder(uri("/health")).timeout(REQUEST_TIMEOUT).GET().build())
          .toCompletableFuture().get(15, TimeUnit.SECONDS).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Stops the node: unbinds, stops the actors; the store closes once the actor system has terminated. */
  @Override
  public void close() {
    clientThreads.shutdownNow();
    running.system().terminate();
    running.system().getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS)
        .exceptionally(failure -> null).join();
    // the node closes its store once terminated; closing it here too (idempotent, under the store's lock) returns
    // only when that is done, so the data directory is quiescent before the test deletes it
    store.store().close();
  }
}
