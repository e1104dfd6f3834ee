package tai.autonomics.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a rule stabilises and de-escalates, after Kubernetes HPA's {@code behavior} and KEDA's scaled objects
 * (docs/POLICY.md maps each key to its anchor). The defaults reproduce a rule without them: one sample above
 * {@code act-above} acts, no hysteresis, no relax action, no no-data watch.
 *
 * @param actAfter consecutive signals above act-above before the rule acts (HPA's stabilization, counted in samples)
 * @param actFor how long the value must have stayed above act-above before the rule acts (zero: no wait)
 * @param tolerance hysteresis: once warning, the metric warns until its value is below warn-above minus this
 * @param relax the action run after this rule's action once the metric stayed below {@code relaxBelow} for
 *     {@code relaxFor} (a scale-in after a scale-out); null for none
 * @param staleAfter a metric silent this long gets a {@code no_data} receipt (zero: never)
 * @param noData the tenant state a silent metric counts as: {@code warning} (default) or {@code stable}
 */
public record RuleBehavior(int actAfter, Duration actFor, double tolerance, String relax, double relaxBelow,
    Duration relaxFor, Map<String, String> relaxParams, Duration staleAfter, String noData) {

  public static final String NO_DATA_WARNING = "warning";
  public static final String NO_DATA_STABLE = "stable";
  public static final RuleBehavior DEFAULT =
      new RuleBehavior(1, Duration.ZERO, 0, null, 0, Duration.ZERO, Map.of(), Duration.ZERO, NO_DATA_WARNING);

  public RuleBehavior {
    relaxParams = Map.copyOf(relaxParams);
  }

  boolean isDefault() {
    return equals(DEFAULT);
  }

  /** Reads the behaviour keys of a rule at {@code where}, each missing one from {@code fallback}. */
  static RuleBehavior fromConfig(Config config, RuleBehavior fallback, String where, double warnAbove) {
    int actAfter = config.hasPath("act-after") ? config.getInt("act-after") : fallback.actAfter();
    require(actAfter >= 1, where, "act-after", "must be at least 1, not " + actAfter);
    Duration actFor = duration(config, "act-for", fallback.actFor(), where);
    double tolerance = config.hasPath("tolerance") ? config.getDouble("tolerance") : fallback.tolerance();
    require(tolerance >= 0 && Double.isFinite(tolerance), where, "tolerance", "must be a number >= 0");
    String relax = config.hasPath("relax") ? config.getString("relax") : fallback.relax();
    require(relax == null || !relax.isBlank(), where, "relax", "must name an action");
    double relaxBelow = config.hasPath("relax-below") ? config.getDouble("relax-below") : fallback.relaxBelow();
    Duration relaxFor = duration(config, "relax-for", fallback.relaxFor(), where);
    if (relax != null) {
      require(config.hasPath("relax-below") || fallback.relax() != null, where, "relax-below",
          "is required with relax");
      // with a larger one a relax could run while the tolerance still holds the metric in warning
      require(relaxBelow <= warnAbove - tolerance, where, "relax-below",
          "must not exceed warn-above minus tolerance (" + (warnAbove - tolerance) + ")");
    } else {
      require(!config.hasPath("relax-below") && !config.hasPath("relax-for"), where, "relax",
          "is required with relax-below and relax-for");
    }
    Map<String, String> relaxParams = new TreeMap<>(fallback.relaxParams());
    if (config.hasPath("relax-params")) {
      relaxParams.clear();
      config.getConfig("relax-params").entrySet()
          .forEach(e -> relaxParams.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    }
    Duration staleAfter = duration(config, "stale-after", fallback.staleAfter(), where);
    String noData = config.hasPath("no-data") ? config.getString("no-data") : fallback.noData();
    require(NO_DATA_WARNING.equals(noData) || NO_DATA_STABLE.equals(noData), where, "no-data",
        "must be warning or stable, not '" + noData + "'");
    return new RuleBehavior(actAfter, actFor, tolerance, relax, relax == null ? 0 : relaxBelow,
        relax == null ? Duration.ZERO : relaxFor, relax == null ? Map.of() : relaxParams, staleAfter, noData);
  }

  static Duration duration(Config config, String key, Duration fallback, String where) {
    if (!config.hasPath(key)) {
      return fallback;
    }
    try {
      Duration value = config.getDuration(key);
      require(!value.isNegative(), where, key, "must not be negative");
      return value;
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new IllegalArgumentException(where + "." + key + " is not a duration: " + e.getMessage());
    }
  }

  static void require(boolean ok, String where, String key, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(where + "." + key + " " + problem);
    }
  }

  /** The non-default keys, for the pack's canonical form: a pack without them keeps its version. */
  Map<String, Object> canonical() {
    Map<String, Object> map = new TreeMap<>();
    if (actAfter != 1) {
      map.put("act_after", actAfter);
    }
    if (!actFor.isZero()) {
      map.put("act_for_ms", actFor.toMillis());
    }
    if (tolerance != 0) {
      map.put("tolerance", tolerance);
    }
    if (relax != null) {
      map.put("relax", relax);
      map.put("relax_below", relaxBelow);
      map.put("relax_for_ms", relaxFor.toMillis());
      map.put("relax_params", new TreeMap<>(relaxParams));
    }
    if (!staleAfter.isZero()) {
      map.put("stale_after_ms", staleAfter.toMillis());
      map.put("no_data", noData);
    }
    return map;
  }
}
