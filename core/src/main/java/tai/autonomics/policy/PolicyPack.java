package tai.autonomics.policy;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of one SKU tier: per-metric thresholds, a default rule for other metrics, the cooldown after an action
 * and the quarantine after a failed one, and the tenant-wide limits of {@link Limits}. {@code version} is a hash of
 * the canonical form, so two nodes with the same pack name but different contents are told apart in the receipts;
 * keys at their defaults are left out of it, so a pack written before a key existed keeps its version
 * ({@link PolicyCanonical}).
 */
public record PolicyPack(
    String name,
    MetricRule defaultRule,
    Map<String, MetricRule> rules,
    Duration cooldown,
    Duration quarantine,
    Limits limits,
    String version) {

  /** {@code enforce}: act-level decisions start actions; {@code dry-run}: they are receipted as {@code would_act}. */
  public static final String ENFORCE = "enforce";
  public static final String DRY_RUN = "dry-run";

  /**
   * Tenant-wide limits, after HPA's scaling policies per period and Argo Rollouts' dry-run.
   *
   * @param mode {@link #ENFORCE} or {@link #DRY_RUN}
   * @param maxActions at most this many actions per {@code per} (0: no limit); beyond, act-level signals warn
   *     {@code rate_limited}
   * @param maxSignalAge a signal whose timestamp is older than this is refused {@code stale_signal}
   */
  public record Limits(String mode, int maxActions, Duration per, Duration maxSignalAge) {
    public static final Limits DEFAULT = new Limits(ENFORCE, 0, Duration.ofHours(1), Duration.ofMinutes(5));

    public boolean dryRun() {
      return DRY_RUN.equals(mode);
    }

    static Limits fromConfig(Config config, String where) {
      String mode = config.hasPath("mode") ? config.getString("mode") : ENFORCE;
      RuleBehavior.require(ENFORCE.equals(mode) || DRY_RUN.equals(mode), where, "mode",
          "must be enforce or dry-run, not '" + mode + "'");
      int maxActions = config.hasPath("max-actions") ? config.getInt("max-actions") : 0;
      RuleBehavior.require(maxActions >= 0, where, "max-actions", "must not be negative");
      Duration per = RuleBehavior.duration(config, "per", DEFAULT.per(), where);
      RuleBehavior.require(!per.isZero(), where, "per", "must be longer than zero");
      RuleBehavior.require(maxActions > 0 || !config.hasPath("per"), where, "max-actions", "is required with per");
      Duration maxAge = RuleBehavior.duration(config, "max-signal-age", DEFAULT.maxSignalAge(), where);
      RuleBehavior.require(!maxAge.isZero(), where, "max-signal-age", "must be longer than zero");
      return new Limits(mode, maxActions, per, maxAge);
    }

    void addCanonical(Map<String, Object> canonical) {
      if (!ENFORCE.equals(mode)) {
        canonical.put("mode", mode);
      }
      if (maxActions > 0) {
        canonical.put("max_actions", maxActions);
        canonical.put("per_ms", per.toMillis());
      }
      if (!maxSignalAge.equals(DEFAULT.maxSignalAge())) {
        canonical.put("max_signal_age_ms", maxSignalAge.toMillis());
      }
    }
  }

  public PolicyPack {
    rules = Map.copyOf(rules);
  }

  public static PolicyPack of(String name, MetricRule defaultRule, Map<String, MetricRule> rules,
      Duration cooldown, Duration quarantine) {
    return of(name, defaultRule, rules, cooldown, quarantine, Limits.DEFAULT);
  }

  public static PolicyPack of(String name, MetricRule defaultRule, Map<String, MetricRule> rules,
      Duration cooldown, Duration quarantine, Limits limits) {
    return new PolicyPack(name, defaultRule, rules, cooldown, quarantine, limits,
        versionOf(name, defaultRule, rules, cooldown, quarantine, limits));
  }

  /** Reads {@code autonomics.policy.packs.<name>}: every key not given takes the original's default. */
  static PolicyPack fromConfig(String name, Config config) {
    String where = "autonomics.policy.packs." + name;
    MetricRule defaultRule = config.hasPath("default-rule")
        ? MetricRule.fromConfig(config.getConfig("default-rule"), MetricRule.ORIGINAL_DEFAULT, where + ".default-rule")
        : MetricRule.ORIGINAL_DEFAULT;
    Map<String, MetricRule> rules = new TreeMap<>();
    if (config.hasPath("rules")) {
      Config ruleConfig = config.getConfig("rules");
      for (String metric : ruleConfig.root().keySet()) {
        rules.put(metric, MetricRule.fromConfig(ruleConfig.getConfig(quoted(metric)), defaultRule,
            where + ".rules." + metric));
      }
    }
    return of(name, defaultRule, rules,
        RuleBehavior.duration(config, "cooldown", Duration.ofSeconds(30), where),
        RuleBehavior.duration(config, "quarantine", Duration.ofSeconds(60), where),
        Limits.fromConfig(config, where));
  }

  private static String quoted(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }

  public MetricRule ruleFor(String metric) {
    return rules.getOrDefault(metric, defaultRule);
  }

  /** The pack as receipts name it: {@code name@version}. */
  public String reference() {
    return name + "@" + version;
  }

  private static String versionOf(String name, MetricRule defaultRule, Map<String, MetricRule> rules,
      Duration cooldown, Duration quarantine, Limits limits) {
    return PolicyCanonical.versionOf(PolicyCanonical.json(name, defaultRule, rules, cooldown, quarantine, limits));
  }
}
