package tai.autonomics.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.erdtman.jcs.JsonCanonicalizer;
import tai.autonomics.Json;

/**
 * A pack's canonical form: RFC 8785 (JCS) JSON of every key that is not at its default. Its SHA-256 (first 8 bytes,
 * hex) is the pack's version; it is what a {@code policy} record keeps ({@link PolicyRecords}), and {@link #parse}
 * reads it back into the same pack, so a decision can be replayed under the pack it names long after {@code conf/}
 * changed (docs/POLICY.md, "Replay").
 */
public final class PolicyCanonical {
  private PolicyCanonical() {}

  /** The canonical JSON of {@code pack}. */
  public static String json(PolicyPack pack) {
    return json(pack.name(), pack.defaultRule(), pack.rules(), pack.cooldown(), pack.quarantine(), pack.limits());
  }

  static String json(String name, MetricRule defaultRule, Map<String, MetricRule> rules, Duration cooldown,
      Duration quarantine, PolicyPack.Limits limits) {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("name", name);
    canonical.put("default_rule", ruleMap(defaultRule));
    Map<String, Object> ruleMaps = new TreeMap<>();
    rules.forEach((metric, rule) -> ruleMaps.put(metric, ruleMap(rule)));
    canonical.put("rules", ruleMaps);
    canonical.put("cooldown_ms", cooldown.toMillis());
    canonical.put("quarantine_ms", quarantine.toMillis());
    limits.addCanonical(canonical);
    try {
      return new JsonCanonicalizer(Json.MAPPER.writeValueAsString(canonical)).getEncodedString();
    } catch (IOException e) {
      throw new IllegalStateException("policy pack " + name + " cannot be written canonically", e);
    }
  }

  /** The version of a pack whose canonical JSON is {@code canonicalJson}. */
  public static String versionOf(String canonicalJson) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * The pack a canonical JSON describes; its version is computed from what was read, so a text that was edited
   * gives another version than the one it was stored under.
   *
   * @throws IllegalArgumentException when the text is not a pack's canonical form
   */
  public static PolicyPack parse(String text) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("name").isTextual()) {
      throw new IllegalArgumentException("not a policy pack: no name");
    }
    MetricRule defaultRule = rule(root.path("default_rule"), "default_rule");
    Map<String, MetricRule> rules = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("rules").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      rules.put(e.getKey(), rule(e.getValue(), "rules." + e.getKey()));
    }
    PolicyPack.Limits d = PolicyPack.Limits.DEFAULT;
    PolicyPack.Limits limits = new PolicyPack.Limits(root.path("mode").asText(PolicyPack.ENFORCE),
        root.path("max_actions").asInt(0), millis(root, "per_ms", d.per()),
        millis(root, "max_signal_age_ms", d.maxSignalAge()));
    return PolicyPack.of(root.get("name").textValue(), defaultRule, rules, millis(root, "cooldown_ms", null),
        millis(root, "quarantine_ms", null), limits);
  }

  private static MetricRule rule(JsonNode node, String where) {
    if (!node.isObject() || !node.path("warn_above").isNumber() || !node.path("act_above").isNumber()
        || !node.path("action").isTextual()) {
      throw new IllegalArgumentException("not a policy pack: " + where + " needs warn_above, act_above and action");
    }
    RuleBehavior d = RuleBehavior.DEFAULT;
    boolean relax = node.path("relax").isTextual();
    RuleBehavior behavior = new RuleBehavior(node.path("act_after").asInt(d.actAfter()),
        millis(node, "act_for_ms", d.actFor()), node.path("tolerance").asDouble(d.tolerance()),
        relax ? node.get("relax").textValue() : null, node.path("relax_below").asDouble(0),
        millis(node, "relax_for_ms", d.relaxFor()), strings(node.path("relax_params")),
        millis(node, "stale_after_ms", d.staleAfter()), node.path("no_data").asText(d.noData()));
    try {
      return new MetricRule(node.get("warn_above").doubleValue(), node.get("act_above").doubleValue(),
          node.get("action").textValue(), strings(node.path("params")), behavior);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a policy pack: " + where + ": " + e.getMessage());
    }
  }

  private static Duration millis(JsonNode node, String field, Duration fallback) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong()) {
      if (fallback == null) {
        throw new IllegalArgumentException("not a policy pack: no " + field);
      }
      return fallback;
    }
    return Duration.ofMillis(value.longValue());
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Map<String, Object> ruleMap(MetricRule rule) {
    Map<String, Object> map = new TreeMap<>();
    map.put("warn_above", rule.warnAbove());
    map.put("act_above", rule.actAbove());
    map.put("action", rule.action());
    map.put("params", new TreeMap<>(rule.params()));
    map.putAll(rule.behavior().canonical());
    return map;
  }
}
