package tai.autonomics.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;

/**
 * Loads a node's configuration so that the project's defaults win over the libraries' defaults also in a shaded jar.
 * On a plain classpath every module's reference.conf is its own resource and the project's come first; in
 * node.jar they are appended into one file, Pekko's after ours, and the later definitions of the same keys (the
 * dispatcher tuning, the loggers, the HTTP body limit, the cluster roles) would silently win. The build packs a copy
 * of each module's reference.conf under {@code tai/autonomics/defaults/<module>/}; those are laid between the
 * application configuration ({@code application.conf}, {@code -Dconfig.file=...}) and the merged references.
 */
public final class NodeConfig {
  private static final List<String> MODULES = List.of("cluster", "http", "core");

  private NodeConfig() {}

  public static Config load() {
    ClassLoader loader = NodeConfig.class.getClassLoader();
    Config defaults = ConfigFactory.empty();
    for (String module : MODULES) {
      defaults = defaults.withFallback(
          ConfigFactory.parseResources(loader, "tai/autonomics/defaults/" + module + "/reference.conf"));
    }
    return ConfigFactory.load(loader, ConfigFactory.defaultApplication(loader).withFallback(defaults));
  }
}
