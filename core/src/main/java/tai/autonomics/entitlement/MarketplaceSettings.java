package tai.autonomics.entitlement;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code autonomics.entitlements.marketplace}: how the node decides Google Cloud Marketplace requests.
 *
 * @param skuForPlan Google's plan name to the SKU (policy pack) that serves it
 * @param holdUnknownPlans true: a plan that maps to no SKU waits for an operator; false: it is rejected at Google
 * @param outboxCapacity entitlements waiting for a decision or a call at once; more requests are refused overloaded
 * @param retryMin the first wait before a call that failed every attempt is made again (doubling up to retryMax)
 * @param stuckAfter a call still not made this long after its decision counts as stuck
 * @param offerEndGrace how long after its offer end time an entitlement expires (Google's renewal may come late)
 */
public record MarketplaceSettings(Map<String, String> skuForPlan, boolean holdUnknownPlans, int outboxCapacity,
    Duration retryMin, Duration retryMax, Duration stuckAfter, Duration offerEndGrace) {

  private static final String PREFIX = "autonomics.entitlements.marketplace.";

  public MarketplaceSettings {
    skuForPlan = Map.copyOf(skuForPlan);
  }

  public static MarketplaceSettings create(Config root) {
    Config config = root.getConfig("autonomics.entitlements.marketplace");
    Map<String, String> skus = new TreeMap<>();
    Config plans = config.getConfig("sku-for-plan");
    // a plan name may hold dots: read the entries as they were quoted, not as nested paths
    plans.root().forEach((plan, sku) -> skus.put(plan, String.valueOf(sku.unwrapped())));
    String unknown = config.getString("unknown-plan");
    if (!unknown.equals("hold") && !unknown.equals("reject")) {
      throw new IllegalArgumentException(PREFIX + "unknown-plan must be hold or reject, not " + unknown);
    }
    MarketplaceSettings settings = new MarketplaceSettings(skus, unknown.equals("hold"),
        config.getInt("outbox-capacity"), config.getDuration("retry-min"), config.getDuration("retry-max"),
        config.getDuration("stuck-after"), config.getDuration("offer-end-grace"));
    if (settings.outboxCapacity() < 1) {
      throw new IllegalArgumentException(PREFIX + "outbox-capacity must be at least 1");
    }
    if (settings.retryMin().isZero() || settings.retryMin().isNegative()
        || settings.retryMax().compareTo(settings.retryMin()) < 0) {
      throw new IllegalArgumentException(PREFIX + "retry-min must be positive and retry-max at least retry-min");
    }
    if (settings.offerEndGrace().isNegative()) {
      throw new IllegalArgumentException(PREFIX + "offer-end-grace must not be negative");
    }
    return settings;
  }

  /** The defaults of reference.conf, for tests and nodes that never decide. */
  public static MarketplaceSettings defaults() {
    return create(com.typesafe.config.ConfigFactory.defaultReference());
  }

  /** The SKU of a Google plan, or null when the plan maps to none. */
  public String skuFor(String plan) {
    return plan == null ? null : skuForPlan.get(plan);
  }

  /** The wait before round {@code round} (1 is the first retry): doubling, capped, a random half to all of it. */
  public long retryDelayMillis(int round, double random) {
    long base = retryMin.toMillis() << Math.min(Math.max(round - 1, 0), 30);
    long ceiling = Math.min(retryMax.toMillis(), base <= 0 ? retryMax.toMillis() : base);
    return Math.max(1, (long) (ceiling * (0.5 + 0.5 * random)));
  }
}
