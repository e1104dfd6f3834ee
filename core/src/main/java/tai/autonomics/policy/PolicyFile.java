package tai.autonomics.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The pack file of {@code autonomics.policy.file} (format: {@code conf/policy-packs.conf}, HOCON under
 * {@code autonomics.policy}): read over the node's configuration at start, and again by each reload
 * ({@code POST /admin/policies/reload}) and by {@code node.jar check-policies FILE}, which therefore fail with the
 * same message naming the bad key. Packs the file does not name keep their definition from the configuration.
 */
public final class PolicyFile {
  public static final String KEY = "autonomics.policy.file";

  private PolicyFile() {}

  /** The configured pack file, empty when {@code autonomics.policy.file} is blank. */
  public static Optional<Path> configured(Config config) {
    String file = config.hasPath(KEY) ? config.getString(KEY) : "";
    return file.isBlank() ? Optional.empty() : Optional.of(Path.of(file));
  }

  /**
   * The packs of {@code file} over those of {@code base}.
   *
   * @throws IllegalArgumentException naming the file, or the key, that is wrong
   */
  public static PolicyPacks load(Path file, Config base) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(KEY + ": " + file + " is not a readable file");
    }
    Config packs;
    try {
      packs = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .withFallback(base.withoutPath(KEY)).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(KEY + ": " + file + " is not valid HOCON: " + e.getMessage(), e);
    }
    if (!packs.hasPath("autonomics.policy.packs")) {
      throw new IllegalArgumentException(file + ": autonomics.policy.packs is missing");
    }
    try {
      return PolicyPacks.of(packs);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
