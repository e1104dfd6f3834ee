package tai.autonomics.policy;

import java.util.Map;

/** What the policy says about one signal. */
public sealed interface Decision {

  /** Below the warn threshold. */
  record Ok(String metric, double value) implements Decision {}

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
