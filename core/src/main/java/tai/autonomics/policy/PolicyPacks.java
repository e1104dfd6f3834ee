package tai.autonomics.policy;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.TreeMap;

/**
 * The packs of {@code autonomics.policy.packs}, one per SKU tier, read once at start. A SKU without a pack of its
 * own gets the pack named by {@code autonomics.policy.default-pack}.
 */
public final class PolicyPacks {
  private final Map<String, PolicyPack> bySku;
  private final PolicyPack fallback;

  public PolicyPacks(Map<String, PolicyPack> bySku, String defaultPack) {
    this.bySku = Map.copyOf(bySku);
    this.fallback = bySku.get(defaultPack);
    if (fallback == null) {
      throw new IllegalArgumentException("default policy pack '" + defaultPack + "' is not among " + bySku.keySet());
    }
  }

  public static PolicyPacks create(Config config) {
    Config policy = config.getConfig("autonomics.policy");
    Config packs = policy.getConfig("packs");
    Map<String, PolicyPack> bySku = new TreeMap<>();
    for (String name : packs.root().keySet()) {
      bySku.put(name, PolicyPack.fromConfig(name, packs.getConfig(name)));
    }
    return new PolicyPacks(bySku, policy.getString("default-pack"));
  }

  public PolicyPack forSku(String sku) {
    return sku == null ? fallback : bySku.getOrDefault(sku, fallback);
  }

  public boolean knows(String sku) {
    return bySku.containsKey(sku);
  }

  public Map<String, PolicyPack> all() {
    return bySku;
  }
}
