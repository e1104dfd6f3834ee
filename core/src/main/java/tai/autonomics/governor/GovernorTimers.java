package tai.autonomics.governor;

import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tai.autonomics.governor.Governor.Command;
import tai.autonomics.governor.Governor.NoData;
import tai.autonomics.policy.RuleBehavior;

/**
 * The governor's timers that its memory implies: the cooldown's end and one no-data watch per metric whose rule has
 * a stale-after (a keyed timer, restarted by each signal of the metric: no polling). Restored at boot from the
 * memory, so a restart or passivation does not lose them.
 */
final class GovernorTimers {
  private GovernorTimers() {}

  /** At boot: the cooldown that is left, and the watches of the remembered metrics. */
  static void restore(TimerScheduler<Command> timers, GovernorData data, long now) {
    if (data.coolingDown()) {
      timers.startSingleTimer(Governor.Timer.COOLDOWN_OVER, Duration.ofMillis(data.memory().cooldownUntil() - now));
    }
    data.memory().metrics().keySet().forEach(metric -> watch(timers, data, metric));
  }

  /** (Re)starts the silence watch of {@code metric} when its rule has one. */
  static void watch(TimerScheduler<Command> timers, GovernorData data, String metric) {
    Duration staleAfter = data.pack().ruleFor(metric).behavior().staleAfter();
    if (!staleAfter.isZero()) {
      timers.startSingleTimer(new NoData(metric), staleAfter);
    }
  }

  /** Whether a silence watch runs: its no_data receipt would be lost if the governor were passivated now. */
  static boolean watching(TimerScheduler<Command> timers, GovernorData data) {
    for (String metric : data.memory().metrics().keySet()) {
      if (timers.isTimerActive(new NoData(metric))) {
        return true;
      }
    }
    return false;
  }

  /** The data once {@code metric} fell silent: it counts as warning unless its rule falls back to stable. */
  static GovernorData silent(GovernorData data, String metric) {
    boolean asWarning = !RuleBehavior.NO_DATA_STABLE.equals(data.pack().ruleFor(metric).behavior().noData());
    return data.withMetric(metric, data.memory().metric(metric).silent(asWarning));
  }
}
