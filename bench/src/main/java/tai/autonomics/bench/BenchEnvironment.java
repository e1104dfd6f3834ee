package tai.autonomics.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What produced a result: JDK, cores, heap, GC, commit, OS and how loaded the machine was when the case began. */
public final class BenchEnvironment {
  private static volatile String commit;

  private BenchEnvironment() {}

  public static Map<String, Object> describe() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    env.put("java_version", System.getProperty("java.version"));
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    env.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(java.lang.management.GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
    env.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    env.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    env.put("commit", commit());
    return env;
  }

  /** {@code bench.commit} when set, else {@code git rev-parse HEAD}, else "unknown". */
  public static String commit() {
    String known = commit;
    if (known != null) {
      return known;
    }
    String fromProperty = System.getProperty("bench.commit");
    known = fromProperty != null && !fromProperty.isBlank() ? fromProperty.trim() : gitHead();
    commit = known;
    return known;
  }

  private static String gitHead() {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      if (!git.waitFor(5, TimeUnit.SECONDS)) {
        git.destroyForcibly();
        return "unknown";
      }
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
