package tai.autonomics.policy;

/**
 * The decision function of docs/POLICY.md: pure, so every decision can be replayed from its receipt (which names the
 * pack and version, and records the governor's inputs) and tested without actors. Per metric it takes what the
 * governor remembers ({@link MetricState}) and returns the decision with what to remember next.
 */
public final class Policy {
  public static final String INVALID_SIGNAL = "invalid_signal";
  public static final String STALE_SIGNAL = "stale_signal";
  public static final String COOLDOWN = "cooldown";
  public static final String ABOVE_WARN = "above_warn_threshold";
  /** Above act-above, not yet for act-after signals or act-for. */
  public static final String STABILIZING = "stabilizing";
  /** Below warn-above but not below warn-above minus the tolerance: still warning. */
  public static final String TOLERANCE = "within_tolerance";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String PAUSED = "paused";

  private Policy() {}

  /**
   * What the governor knows when deciding besides the metric's own state.
   *
   * @param inCooldown an action ended less than the pack's cooldown ago
   * @param recentActions actions started within the pack's rate-limit period
   * @param paused an operator paused the tenant: act decisions become {@code would_act}
   * @param now the node's clock (epoch ms): the time of a signal without a timestamp, and the reference of its age
   */
  public record View(boolean inCooldown, int recentActions, boolean paused, long now) {
    public static final View NORMAL = new View(false, 0, false, 0);
    public static final View COOLING_DOWN = new View(true, 0, false, 0);
  }

  /** A decision and what the governor remembers of the metric after it. */
  public record Evaluation(Decision decision, MetricState after) {}

  public static Decision decide(PolicyPack pack, Signal signal, View view) {
    return evaluate(pack, signal, MetricState.INITIAL, view).decision();
  }

  public static Evaluation evaluate(PolicyPack pack, Signal signal, MetricState before, View view) {
    String invalid = signal.invalidity();
    if (invalid != null) {
      return new Evaluation(new Decision.Refuse(INVALID_SIGNAL, invalid), before);
    }
    Long ts = signal.timestampMs();
    if (ts != null && ts < before.lastTs()) {
      return new Evaluation(new Decision.Refuse(STALE_SIGNAL, "timestamp_ms " + ts
          + " is older than the last signal decided for " + signal.metric() + " (" + before.lastTs() + ")"), before);
    }
    if (ts != null && view.now() > 0 && ts < view.now() - pack.limits().maxSignalAge().toMillis()) {
      return new Evaluation(new Decision.Refuse(STALE_SIGNAL, "timestamp_ms " + ts + " is older than max-signal-age ("
          + pack.limits().maxSignalAge() + ")"), before);
    }
    MetricRule rule = pack.ruleFor(signal.metric());
    RuleBehavior b = rule.behavior();
    long at = ts != null ? ts : view.now();
    long lastTs = ts != null ? ts : before.lastTs();
    double value = signal.value();
    boolean above = value > rule.actAbove();
    int streak = above ? before.streak() + 1 : 0;
    long aboveSince = !above ? 0 : before.streak() > 0 ? before.aboveSince() : at;
    boolean belowRelax = b.relax() != null && value < b.relaxBelow();
    long belowSince = !belowRelax ? 0 : before.belowSince() > 0 ? before.belowSince() : at;
    if (above) {
      return actLevel(pack, signal, rule, view, new MetricState(true, lastTs, streak, aboveSince, 0,
          before.relaxArmed()), at);
    }
    if (before.relaxArmed() && belowRelax && at - belowSince >= b.relaxFor().toMillis()) {
      // a relax the cooldown or the rate limit holds back stays armed, its window kept: the first signal after the
      // hold ends that is still below relax-below runs it. Like HPA and KEDA, which decide a scale-in again at each
      // evaluation from the metric as it is then, never from a queued one: a metric that rose meanwhile runs nothing
      MetricState held = new MetricState(false, lastTs, 0, 0, belowSince, true);
      if (view.inCooldown()) {
        return new Evaluation(new Decision.Ok(signal.metric(), value, COOLDOWN), held);
      }
      Decision relax = mayAct(pack, signal, view, b.relax(), b.relaxParams());
      if (relax == null) {
        return new Evaluation(new Decision.Ok(signal.metric(), value, RATE_LIMITED), held);
      }
      return new Evaluation(relax, new MetricState(false, lastTs, 0, 0, 0, false));
    }
    MetricState next = new MetricState(false, lastTs, 0, 0, belowSince, before.relaxArmed());
    if (value > rule.warnAbove()) {
      return new Evaluation(new Decision.Warn(signal.metric(), value, ABOVE_WARN), next.asWarning());
    }
    if (before.warning() && b.tolerance() > 0 && value > rule.warnAbove() - b.tolerance()) {
      return new Evaluation(new Decision.Warn(signal.metric(), value, TOLERANCE), next.asWarning());
    }
    return new Evaluation(new Decision.Ok(signal.metric(), value), next);
  }

  private static Evaluation actLevel(PolicyPack pack, Signal signal, MetricRule rule, View view, MetricState state,
      long at) {
    RuleBehavior b = rule.behavior();
    if (state.streak() < b.actAfter() || at - state.aboveSince() < b.actFor().toMillis()) {
      return new Evaluation(new Decision.Warn(signal.metric(), signal.value(), STABILIZING), state);
    }
    if (view.inCooldown()) {
      return new Evaluation(new Decision.Warn(signal.metric(), signal.value(), COOLDOWN), state);
    }
    Decision act = mayAct(pack, signal, view, rule.action(), rule.params());
    if (act == null) {
      return new Evaluation(new Decision.Warn(signal.metric(), signal.value(), RATE_LIMITED), state);
    }
    // the streak starts again: a breach that goes on acts again only after act-after more signals and the cooldown
    return new Evaluation(act, new MetricState(true, state.lastTs(), 0, 0, 0, b.relax() != null));
  }

  /** The action, a would-act when paused or in dry-run, or null when the rate limit holds it back. */
  private static Decision mayAct(PolicyPack pack, Signal signal, View view, String action,
      java.util.Map<String, String> params) {
    PolicyPack.Limits limits = pack.limits();
    if (view.paused() || limits.dryRun()) {
      return new Decision.WouldAct(signal.metric(), signal.value(), action,
          view.paused() ? PAUSED : PolicyPack.DRY_RUN);
    }
    if (limits.maxActions() > 0 && view.recentActions() >= limits.maxActions()) {
      return null;
    }
    return new Decision.Act(signal.metric(), signal.value(), action, params);
  }
}
