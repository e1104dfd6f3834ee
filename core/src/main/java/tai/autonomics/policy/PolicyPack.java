package tai.autonomics.policy;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.erdtman.jcs.JsonCanonicalizer;
import tai.autonomics.Json;

/**
 * The rules of one SKU tier: per-metric thresholds, a default rule for other metrics, the cooldown after an action
 * and the quarantine after a failed one. {@code version} is a hash of the canonical form, so two nodes with the
 * same pack name but different contents are told apart in the receipts.
 */
public record PolicyPack(
    String name,
    MetricRule defaultRule,
    Map<String, MetricRule> rules,
    Duration cooldown,
    Duration quarantine,
    String version) {

  public PolicyPack {
    rules = Map.copyOf(rules);
  }

  public static PolicyPack of(String name, MetricRule defaultRule, Map<String, MetricRule> rules,
      Duration cooldown, Duration quarantine) {
    return new PolicyPack(name, defaultRule, rules, cooldown, quarantine,
        versionOf(name, defaultRule, rules, cooldown, quarantine));
  }

  /** Reads {@code autonomics.policy.packs.<name>}: every key not given takes the original's default. */
  static PolicyPack fromConfig(String name, Config config) {
    MetricRule defaultRule = config.hasPath("default-rule")
        ? MetricRule.fromConfig(config.getConfig("default-rule"), MetricRule.ORIGINAL_DEFAULT)
        : MetricRule.ORIGINAL_DEFAULT;
    Map<String, MetricRule> rules = new TreeMap<>();
    if (config.hasPath("rules")) {
      Config ruleConfig = config.getConfig("rules");
      for (String metric : ruleConfig.root().keySet()) {
        rules.put(metric, MetricRule.fromConfig(ruleConfig.getConfig(quoted(metric)), defaultRule));
      }
    }
    return of(name, defaultRule, rules,
        config.hasPath("cooldown") ? config.getDuration("cooldown") : Duration.ofSeconds(30),
        config.hasPath("quarantine") ? config.getDuration("quarantine") : Duration.ofSeconds(60));
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
      Duration cooldown, Duration quarantine) {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("name", name);
    canonical.put("default_rule", ruleMap(defaultRule));
    Map<String, Object> ruleMaps = new TreeMap<>();
    rules.forEach((metric, rule) -> ruleMaps.put(metric, ruleMap(rule)));
    canonical.put("rules", ruleMaps);
    canonical.put("cooldown_ms", cooldown.toMillis());
    canonical.put("quarantine_ms", quarantine.toMillis());
    try {
      String jcs = new JsonCanonicalizer(Json.MAPPER.writeValueAsString(canonical)).getEncodedString();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(jcs.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.io.IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("policy pack " + name + " cannot be hashed", e);
    }
  }

  private static Map<String, Object> ruleMap(MetricRule rule) {
    Map<String, Object> map = new TreeMap<>();
    map.put("warn_above", rule.warnAbove());
    map.put("act_above", rule.actAbove());
    map.put("action", rule.action());
    map.put("params", new TreeMap<>(rule.params()));
    return map;
  }
}
