package tai.autonomics.policy;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thresholds for one metric. Both are exclusive: {@code value > actAbove} acts, {@code value > warnAbove} warns.
 *
 * @param action the remediation started when the act threshold is crossed (scale, rollback, throttle)
 * @param params the action's parameters, handed to its effector unchanged
 * @param behavior stabilisation, hysteresis, de-escalation and the no-data watch ({@link RuleBehavior#DEFAULT}: none)
 */
public record MetricRule(double warnAbove, double actAbove, String action, Map<String, String> params,
    RuleBehavior behavior) {

  public MetricRule {
    if (warnAbove > actAbove) {
      throw new IllegalArgumentException("warn-above (" + warnAbove + ") must not exceed act-above (" + actAbove + ")");
    }
    params = Map.copyOf(params);
  }

  public MetricRule(double warnAbove, double actAbove, String action, Map<String, String> params) {
    this(warnAbove, actAbove, action, params, RuleBehavior.DEFAULT);
  }

  /** The original system's thresholds: warn above 60, act above 80, scale. */
  public static final MetricRule ORIGINAL_DEFAULT = new MetricRule(60, 80, "scale", Map.of());

  /**
   * Reads the rule at {@code where}, taking each missing key from {@code fallback}. Parameters belong to an action:
   * a rule that names another action than the fallback's starts without the fallback's parameters.
   */
  static MetricRule fromConfig(Config config, MetricRule fallback, String where) {
    String action = config.hasPath("action") ? config.getString("action") : fallback.action();
    Map<String, String> params = action.equals(fallback.action()) ? new TreeMap<>(fallback.params()) : new TreeMap<>();
    if (config.hasPath("params")) {
      config.getConfig("params").entrySet()
          .forEach(e -> params.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    }
    double warnAbove = config.hasPath("warn-above") ? config.getDouble("warn-above") : fallback.warnAbove();
    double actAbove = config.hasPath("act-above") ? config.getDouble("act-above") : fallback.actAbove();
    if (warnAbove > actAbove) {
      throw new IllegalArgumentException(where + ".warn-above (" + warnAbove + ") must not exceed act-above ("
          + actAbove + ")");
    }
    return new MetricRule(warnAbove, actAbove, action, params,
        RuleBehavior.fromConfig(config, fallback.behavior(), where, warnAbove));
  }
}
