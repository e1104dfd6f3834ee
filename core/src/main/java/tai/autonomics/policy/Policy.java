package tai.autonomics.policy;

/**
 * The decision function of DESIGN §6: pure, so every decision can be replayed from its receipt (which names the
 * pack and version) and tested without actors.
 */
public final class Policy {
  public static final String INVALID_SIGNAL = "invalid_signal";
  public static final String COOLDOWN = "cooldown";
  public static final String ABOVE_WARN = "above_warn_threshold";

  private Policy() {}

  /** What the governor may know when deciding: only whether an action's cooldown is still running. */
  public record View(boolean inCooldown) {
    public static final View NORMAL = new View(false);
    public static final View COOLING_DOWN = new View(true);
  }

  public static Decision decide(PolicyPack pack, Signal signal, View view) {
    String invalid = signal.invalidity();
    if (invalid != null) {
      return new Decision.Refuse(INVALID_SIGNAL, invalid);
    }
    MetricRule rule = pack.ruleFor(signal.metric());
    double value = signal.value();
    if (value > rule.actAbove()) {
      return view.inCooldown()
          ? new Decision.Warn(signal.metric(), value, COOLDOWN)
          : new Decision.Act(signal.metric(), value, rule.action(), rule.params());
    }
    if (value > rule.warnAbove()) {
      return new Decision.Warn(signal.metric(), value, ABOVE_WARN);
    }
    return new Decision.Ok(signal.metric(), value);
  }
}
