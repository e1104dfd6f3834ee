package tai.autonomics.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node in a child JVM (the test classpath, main class {@link Main}), with its output collected. */
final class NodeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private NodeProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::collect, "node-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java -cp <test classpath> tai.autonomics.http.Main} with {@code PORT} and {@code TAI_DATA_DIR}. */
  static NodeProcess start(int port, Path dataDir, String... systemProperties) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dlogback.configurationFile=" + mainLogback());
    command.add("-Dautonomics.http.interface=127.0.0.1");
    for (String property : systemProperties) {
      command.add("-D" + property);
    }
    command.add(Main.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("TAI_DATA_DIR", dataDir.toString());
    return new NodeProcess(builder.start());
  }

  /** The port the node logged it listens on. */
  int awaitPort() throws Exception {
    return port.get(120, TimeUnit.SECONDS); // a loaded machine starts a JVM slowly
  }

  String output() {
    return output.toString();
  }

  /**
   * Sends SIGTERM with {@code kill}: {@link Process#destroy()} also sends it, but closes our end of the node's
   * output, and the shutdown log would be lost.
   */
  void terminate() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -TERM " + process.pid() + " failed");
    }
  }

  /** Waits for the process to end; null when it did not end in time. */
  Integer awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  private void collect() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.append(line).append('\n');
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(1)));
        }
      }
    } catch (IOException e) {
      output.append("[output lost: ").append(e).append("]\n");
    }
    port.completeExceptionally(new IllegalStateException("the node ended without listening:\n" + output));
  }

  private static String mainLogback() {
    try {
      // the node's own logging configuration (INFO), not the tests' (WARN): the port is read from the log
      return Path.of(Main.class.getResource("/logback.xml").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
