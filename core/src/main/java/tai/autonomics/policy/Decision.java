package tai.autonomics.policy;

import java.util.Map;

/** What the policy says about one signal. */
public sealed interface Decision {

  /** Below the warn threshold. */
  record Ok(String metric, double value) implements Decision {}

  /** Above the warn threshold, or above the act threshold during a cooldown ({@code reason} says which). */
  record Warn(String metric, double value, String reason) implements Decision {}

  /** Above the act threshold outside a cooldown: start this action. */
  record Act(String metric, double value, String action, Map<String, String> params) implements Decision {
    public Act {
      params = Map.copyOf(params);
    }
  }

  /** The signal cannot be evaluated; {@code reason} is a stable code, {@code detail} says why. */
  record Refuse(String reason, String detail) implements Decision {}
}
