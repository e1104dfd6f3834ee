package tai.autonomics.bench.support;

import com.sun.tools.attach.VirtualMachine;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The node the HTTP and stress suites load, as {@code bench.node} says:
 * <ul>
 *   <li>{@code process} (the default): {@code java -jar http/target/node.jar} on a temporary data dir, as users run
 *       it, in a JVM of its own, so the load client shares neither its heap nor its GC;
 *   <li>{@code in-process}: the node started in the harness's JVM ({@link NodeHarness});
 *   <li>any node already running, with {@code bench.target=http://host:port} (bench/run.sh --target): neither
 *       started nor stopped here, and cases that need the node's own JVM say they are skipped.
 * </ul>
 * The process and in-process nodes are private: started with the suite, stopped at its end (the process is killed
 * if it does not stop, and on the harness's exit).
 */
public final class BenchNode implements AutoCloseable {
  private final String mode;
  private final HttpTarget http;
  private final String storeKind;
  private final ChildJvm process;
  private final NodeHarness inProcess;
  private final MBeanServerConnection jvm;
  private final JMXConnector connector;

  private BenchNode(String mode, HttpTarget http, String storeKind, ChildJvm process, NodeHarness inProcess,
      MBeanServerConnection jvm, JMXConnector connector) {
    this.mode = mode;
    this.http = http;
    this.storeKind = storeKind;
    this.process = process;
    this.inProcess = inProcess;
    this.jvm = jvm;
    this.connector = connector;
  }

  /** The external target, when {@code bench.target} names one. */
  public static Optional<URI> externalTarget() {
    String target = System.getProperty("bench.target", "").trim();
    return target.isEmpty() ? Optional.empty() : Optional.of(URI.create(target.replaceAll("/+$", "")));
  }

  /**
   * Starts (or, with {@code bench.target}, reaches) the node; {@code settings} are configuration paths and values
   * for a private node ({@code autonomics.ledger.durability -> fsync}).
   */
  public static BenchNode start(Path dataDir, Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>(settings);
    all.putIfAbsent("autonomics.entitlements.refuse-unknown-tenants", "false");
    Optional<URI> target = externalTarget();
    if (target.isPresent()) {
      HttpTarget http = new HttpTarget("node", target.get());
      int health = http.health();
      if (health != 200) {
        http.close();
        throw new IllegalStateException("the target " + target.get() + " answers GET /health with "
            + (health < 0 ? "nothing" : "status " + health) + ": start the node first, or drop --target to let the "
            + "suite start one");
      }
      return new BenchNode("target " + target.get(), http, "unknown (remote)", null, null, null, null);
    }
    String mode = System.getProperty("bench.node", "process").trim().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "process" -> startProcess(dataDir, all);
      case "in-process" -> {
        NodeHarness node = NodeHarness.start(ConfigFactory.parseMap(all), dataDir);
        yield new BenchNode("in-process", new HttpTarget("node", URI.create("http://127.0.0.1:" + node.port())),
            node.storeKind(), null, node, ManagementFactory.getPlatformMBeanServer(), null);
      }
      default -> throw new IllegalArgumentException("bench.node must be process or in-process, not " + mode);
    };
  }

  private static BenchNode startProcess(Path dataDir, Map<String, String> settings) {
    Path jar = nodeJar();
    int port = ChildJvm.freePort();
    List<String> options = new ArrayList<>();
    options.add("-Dautonomics.http.interface=127.0.0.1");
    options.add("-Dpekko.loglevel=WARNING");
    settings.forEach((key, value) -> options.add("-D" + key + "=" + value));
    ChildJvm child = ChildJvm.start("node.jar", options, List.of("-jar", jar.toString()),
        Map.of("PORT", Integer.toString(port), "TAI_DATA_DIR", dataDir.toAbsolutePath().toString()), port, "/health",
        dataDir.resolveSibling(dataDir.getFileName() + "-node.log"), Duration.ofSeconds(90));
    MBeanServerConnection jvm = null;
    JMXConnector connector = null;
    try {
      // the node's own JVM, for the resource sampler: the JDK's attach API starts its local management agent
      VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
      String address = vm.startLocalManagementAgent();
      vm.detach();
      connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      jvm = connector.getMBeanServerConnection();
    } catch (Exception | LinkageError e) {
      System.out.println("      (the node's JVM cannot be sampled: " + e + ")");
    }
    return new BenchNode("process " + jar, new HttpTarget("node",
        URI.create(child.baseUrl())), "rocksdb", child, null, jvm, connector);
  }

  /** {@code bench.node.jar}, else http/target/node.jar of this checkout (from the root or from bench/). */
  static Path nodeJar() {
    String configured = System.getProperty("bench.node.jar", "").trim();
    List<Path> candidates = configured.isEmpty()
        ? List.of(Path.of("http", "target", "node.jar"), Path.of("..", "http", "target", "node.jar"))
        : List.of(Path.of(configured));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("node.jar not found (looked at " + candidates.stream()
        .map(p -> p.toAbsolutePath().normalize().toString()).toList() + "): build it with `mvn -B -q -DskipTests "
        + "package` from the repository root, point -Dbench.node.jar=<path> at one, or run the node in the harness's "
        + "JVM with -Dbench.node=in-process");
  }

  /** {@code process ...}, {@code in-process} or {@code target <url>}: recorded with every result. */
  public String mode() {
    return mode;
  }

  /** False for a node this suite did not start (bench.target): it must not be stopped or restarted. */
  public boolean isPrivate() {
    return process != null || inProcess != null;
  }

  public HttpTarget http() {
    return http;
  }

  public String storeKind() {
    return storeKind;
  }

  /** The node's JVM (its platform MBeans), when it can be sampled. */
  public Optional<MBeanServerConnection> jvm() {
    return Optional.ofNullable(jvm);
  }

  @Override
  public void close() {
    http.close();
    try {
      if (connector != null) {
        connector.close();
      }
    } catch (Exception ignored) {
      // the node is stopped next anyway
    }
    if (process != null) {
      process.close();
    }
    if (inProcess != null) {
      inProcess.close();
    }
  }
}
