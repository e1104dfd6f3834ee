package tai.autonomics.governor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tai.autonomics.policy.MetricState;

/**
 * What a governor remembers across signals and incarnations: each metric's {@link MetricState}, when the cooldown
 * ends, when its recent actions started (for the rate limit) and who paused it. Immutable. Written into every
 * governor receipt as its {@code inputs} (state after the receipt), and read back from the tenant's last receipt at
 * boot, so restarts and passivation keep streaks, cooldowns and pause.
 *
 * <p>A metric at its initial state is not kept (most idle governors remember nothing, and cost no heap for it),
 * unless its rule watches for silence: then it is kept so the watch is restored too.
 */
record GovernorMemory(Map<String, MetricState> metrics, long cooldownUntil, List<Long> actionTimes,
    String pausedBy) {

  static final GovernorMemory EMPTY = new GovernorMemory(Map.of(), 0, List.of(), null);
  static final String METRIC = "m.";
  static final String COOLDOWN_UNTIL = "cooldown_until";
  static final String ACTIONS = "actions";
  static final String PAUSED_BY = "paused_by";

  GovernorMemory {
    metrics = Map.copyOf(metrics);
    actionTimes = List.copyOf(actionTimes);
  }

  MetricState metric(String name) {
    return name == null ? MetricState.INITIAL : metrics.getOrDefault(name, MetricState.INITIAL);
  }

  GovernorMemory withMetric(String name, MetricState state, boolean keepInitial) {
    if (state.equals(metric(name)) && (metrics.containsKey(name) || !keepInitial)) {
      return this;
    }
    Map<String, MetricState> next = new HashMap<>(metrics);
    if (state.isInitial() && !keepInitial) {
      next.remove(name);
    } else {
      next.put(name, state);
    }
    return new GovernorMemory(next, cooldownUntil, actionTimes, pausedBy);
  }

  /** The tenant's state is the worst over its metrics: one metric warning keeps it in warning. */
  boolean anyWarning() {
    for (MetricState state : metrics.values()) {
      if (state.warning()) {
        return true;
      }
    }
    return false;
  }

  GovernorMemory withCooldownUntil(long until) {
    return until == cooldownUntil ? this : new GovernorMemory(metrics, until, actionTimes, pausedBy);
  }

  /** Actions started after {@code now - perMs}. */
  int recentActions(long now, long perMs) {
    int n = 0;
    for (long at : actionTimes) {
      if (at > now - perMs) {
        n++;
      }
    }
    return n;
  }

  /** Remembers an action started at {@code now}, forgetting those outside the period (no limit: none kept). */
  GovernorMemory withAction(long now, long perMs, int maxActions) {
    if (maxActions <= 0) {
      return this;
    }
    List<Long> kept = new ArrayList<>();
    for (long at : actionTimes) {
      if (at > now - perMs) {
        kept.add(at);
      }
    }
    kept.add(now);
    return new GovernorMemory(metrics, cooldownUntil, kept, pausedBy);
  }

  GovernorMemory pausedBy(String by) {
    return new GovernorMemory(metrics, cooldownUntil, actionTimes, by);
  }

  /** The receipt's {@code inputs}: null when there is nothing to remember, so such receipts stay as they were. */
  Map<String, String> toInputs() {
    if (metrics.isEmpty() && cooldownUntil == 0 && actionTimes.isEmpty() && pausedBy == null) {
      return null;
    }
    Map<String, String> inputs = new TreeMap<>();
    metrics.forEach((name, state) -> inputs.put(METRIC + name, state.encode()));
    if (cooldownUntil != 0) {
      inputs.put(COOLDOWN_UNTIL, Long.toString(cooldownUntil));
    }
    if (!actionTimes.isEmpty()) {
      StringBuilder times = new StringBuilder();
      actionTimes.forEach(at -> times.append(times.length() == 0 ? "" : ",").append(at));
      inputs.put(ACTIONS, times.toString());
    }
    if (pausedBy != null) {
      inputs.put(PAUSED_BY, pausedBy);
    }
    return inputs;
  }

  /** The memory a receipt's inputs recorded; what it cannot read it forgets (the cautious side: counting again). */
  static GovernorMemory fromInputs(Map<String, String> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      return EMPTY;
    }
    Map<String, MetricState> metrics = new HashMap<>();
    long cooldownUntil = 0;
    List<Long> actions = new ArrayList<>();
    for (Map.Entry<String, String> e : inputs.entrySet()) {
      try {
        if (e.getKey().startsWith(METRIC)) {
          metrics.put(e.getKey().substring(METRIC.length()), MetricState.decode(e.getValue()));
        } else if (e.getKey().equals(COOLDOWN_UNTIL)) {
          cooldownUntil = Long.parseLong(e.getValue());
        } else if (e.getKey().equals(ACTIONS)) {
          for (String at : e.getValue().split(",")) {
            actions.add(Long.parseLong(at));
          }
        }
      } catch (NumberFormatException ignored) {
        // an unreadable entry is forgotten, not a failed boot
      }
    }
    return new GovernorMemory(metrics, cooldownUntil, actions, inputs.get(PAUSED_BY));
  }
}
