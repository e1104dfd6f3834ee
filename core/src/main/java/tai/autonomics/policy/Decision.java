package tai.autonomics.policy;

import java.util.Map;

/** What the policy says about one signal. */
public sealed interface Decision {

  /**
   * Below the warn threshold. {@code relaxHeld} is set when the rule's relax action came due and was held back, by
   * the cooldown ({@code cooldown}) or the rate limit ({@code rate_limited}); null otherwise. A held relax stays
   * armed and is decided again at the metric's next signal.
   */
  record Ok(String metric, double value, String relaxHeld) implements Decision {
    public Ok(String metric, double value) {
      this(metric, value, null);
    }
  }

  /**
   * Above the warn threshold, or above the act threshold without acting ({@code reason}: cooldown, stabilizing,
   * rate_limited), or held in warning by the tolerance.
   */
  record Warn(String metric, double value, String reason) implements Decision {}

  /** Above the act threshold, stabilised, outside a cooldown and the rate limit: start this action. */
  record Act(String metric, double value, String action, Map<String, String> params) implements Decision {
    public Act {
      params = Map.copyOf(params);
    }
  }

  /** Would act, but the tenant is paused or the pack runs in dry-run ({@code why}): nothing starts. */
  record WouldAct(String metric, double value, String action, String why) implements Decision {}

  /** The signal cannot be evaluated; {@code reason} is a stable code, {@code detail} says why. */
  record Refuse(String reason, String detail) implements Decision {}
}
