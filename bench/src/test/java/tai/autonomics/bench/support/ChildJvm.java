package tai.autonomics.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server the suites start in a JVM of its own (the node from node.jar, the bare pekko-http server): output to a
 * log file, ready once a GET of its ready path answers 200, stopped with SIGTERM and then killed. A shutdown hook
 * kills it too, so a harness that dies (a timed-out surefire fork, Ctrl-C) leaves no server behind.
 */
public final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final int port;
  private final Thread reaper;

  private ChildJvm(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
    this.reaper = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** The JVM options of the servers: {@code bench.server.java.opts}, the same for the node and its anchor. */
  public static List<String> serverJavaOptions() {
    String opts = System.getProperty("bench.server.java.opts", "-Xms1g -Xmx1g -XX:+UseParallelGC");
    return opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
  }

  /**
   * Starts {@code java <options> <arguments>} with {@code environment} added, on the harness's own java, and waits
   * up to {@code startTimeout} for {@code GET http://127.0.0.1:<port><readyPath>} to answer 200.
   */
  public static ChildJvm start(String name, List<String> options, List<String> arguments, Map<String, String> environment,
      int port, String readyPath, Path log, Duration startTimeout) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(serverJavaOptions());
    command.addAll(options);
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process;
    try {
      Files.createDirectories(log.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
    ChildJvm child = new ChildJvm(name, process, log, port);
    try {
      child.awaitReady(readyPath, startTimeout);
      return child;
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
  }

  private void awaitReady(String readyPath, Duration timeout) {
    HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + readyPath)).timeout(Duration.ofSeconds(2))
        .GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " ended (exit " + process.exitValue() + ") before answering "
            + readyPath + "; its output:\n" + tail());
      }
      try {
        if (probe.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
      try {
        process.waitFor(200, TimeUnit.MILLISECONDS); // the poll period, and an early exit ends it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
    throw new IllegalStateException(name + " did not answer " + readyPath + " within " + timeout.toSeconds()
        + " s; its output:\n" + tail());
  }

  /** A port free on 127.0.0.1 right now (the OS's pick), for a server that must be told its port. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The last 40 lines of the server's output. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no output in " + log + ": " + e + ")";
    }
  }

  /** SIGTERM, up to 30 s for a clean stop (the node closes its store), then SIGKILL. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
