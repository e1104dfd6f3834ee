package tai.autonomics.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The node's packs, one per SKU tier: read at start from {@code autonomics.policy.packs} (or the pack file of
 * {@code autonomics.policy.file} over them, {@link PolicyFile}), and replaced whole by a reload. A SKU without a
 * pack of its own gets the pack named by {@code autonomics.policy.default-pack}. Readers see one set or the other,
 * never a mix: the set is one immutable snapshot behind a volatile field, and each governor takes its pack anew at
 * its next signal.
 */
public final class PolicyPacks {
  private record Snapshot(Map<String, PolicyPack> bySku, PolicyPack fallback) {}

  private volatile Snapshot snapshot;
  /** Where a reload reads the packs again: the pack file over the configuration; null without a pack file. */
  private Path file;
  private Config base;

  public PolicyPacks(Map<String, PolicyPack> bySku, String defaultPack) {
    PolicyPack fallback = bySku.get(defaultPack);
    if (fallback == null) {
      throw new IllegalArgumentException("autonomics.policy.default-pack '" + defaultPack + "' is not among "
          + bySku.keySet());
    }
    this.snapshot = new Snapshot(Map.copyOf(bySku), fallback);
  }

  /** The packs the configuration names, from the pack file when {@code autonomics.policy.file} is set. */
  public static PolicyPacks create(Config config) {
    Optional<Path> file = PolicyFile.configured(config);
    if (file.isEmpty()) {
      return of(config);
    }
    PolicyPacks packs = PolicyFile.load(file.get(), config);
    packs.file = file.get();
    packs.base = config;
    return packs;
  }

  /** The pack file a reload reads, empty when {@code autonomics.policy.file} is not set. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * The packs as the pack file has them now, not yet in use ({@link #replaceWith} does that).
   *
   * @throws IllegalArgumentException naming the bad key, as at start; IllegalStateException without a pack file
   */
  public PolicyPacks readAgain() {
    if (file == null) {
      throw new IllegalStateException(PolicyFile.KEY + " is not set: there is no pack file to read again");
    }
    return PolicyFile.load(file, base);
  }

  /** The packs of {@code autonomics.policy} in {@code config}, every key checked (messages name the key). */
  static PolicyPacks of(Config config) {
    Config policy = config.getConfig("autonomics.policy");
    Config packs = policy.getConfig("packs");
    Map<String, PolicyPack> bySku = new TreeMap<>();
    for (String name : packs.root().keySet()) {
      try {
        bySku.put(name, PolicyPack.fromConfig(name, packs.getConfig(name)));
      } catch (ConfigException e) {
        throw new IllegalArgumentException("autonomics.policy.packs." + name + ": " + e.getMessage(), e);
      }
    }
    return new PolicyPacks(bySku, policy.getString("default-pack"));
  }

  /** Takes over the packs of {@code next}, all at once. */
  public void replaceWith(PolicyPacks next) {
    snapshot = next.snapshot;
  }

  public PolicyPack forSku(String sku) {
    Snapshot now = snapshot;
    return sku == null ? now.fallback() : now.bySku().getOrDefault(sku, now.fallback());
  }

  public boolean knows(String sku) {
    return snapshot.bySku().containsKey(sku);
  }

  public Map<String, PolicyPack> all() {
    return snapshot.bySku();
  }
}
