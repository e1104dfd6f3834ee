package tai.autonomics.entitlement;

import com.typesafe.config.Config;
import java.util.List;

/**
 * {@code autonomics.entitlements}.
 *
 * @param refuseUnknownTenants when false, a tenant without an entitlement is served on the default pack
 * @param seeds entitlements granted at start to tenants that have none (the original's demo tenants)
 * @param stashCapacity events held while one is being written; beyond it they are refused as overloaded
 * @param tiers SKUs lowest first: a tenant with several active entitlements is served on the highest
 */
public record EntitlementSettings(boolean refuseUnknownTenants, List<Entitlement> seeds, int stashCapacity,
    List<String> tiers) {

  public static final List<String> DEFAULT_TIERS = List.of("base", "professional", "enterprise");

  public EntitlementSettings {
    seeds = List.copyOf(seeds);
    tiers = List.copyOf(tiers);
  }

  public EntitlementSettings(boolean refuseUnknownTenants, List<Entitlement> seeds, int stashCapacity) {
    this(refuseUnknownTenants, seeds, stashCapacity, DEFAULT_TIERS);
  }

  public static EntitlementSettings create(Config config) {
    Config entitlements = config.getConfig("autonomics.entitlements");
    List<Entitlement> seeds = entitlements.getConfigList("seed").stream()
        .peek(EntitlementSettings::checkTenant)
        .map(seed -> new Entitlement(
            seed.getString("tenant-id"),
            seed.hasPath("entitlement-id") ? seed.getString("entitlement-id") : "seed-" + seed.getString("tenant-id"),
            seed.hasPath("sku") ? seed.getString("sku") : EntitlementTransitions.DEFAULT_SKU,
            EntitlementState.ACTIVE,
            null,
            null))
        .toList();
    return new EntitlementSettings(
        entitlements.getBoolean("refuse-unknown-tenants"), seeds, entitlements.getInt("stash-capacity"),
        entitlements.getStringList("tiers"));
  }

  /** A blank tenant id is no tenant's: the empty one names the node's own chain of dead letters. */
  private static void checkTenant(Config seed) {
    if (seed.getString("tenant-id").isBlank()) {
      throw new IllegalArgumentException("autonomics.entitlements.seed: tenant-id must not be blank");
    }
  }
}
