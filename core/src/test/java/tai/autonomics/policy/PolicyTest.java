package tai.autonomics.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure decision function of docs/POLICY.md: boundaries, per-metric rules, cooldown and invalid signals. */
class PolicyTest {
  private static final PolicyPack PACK = PolicyPack.of("test", MetricRule.ORIGINAL_DEFAULT,
      Map.of("error_rate", new MetricRule(1, 5, "rollback", Map.of("to", "previous"))),
      Duration.ofSeconds(30), Duration.ofSeconds(60));

  private static Decision decide(String metric, Double value) {
    return Policy.decide(PACK, new Signal("t1", metric, value, null, null), Policy.View.NORMAL);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "-5, ok", "0, ok", "59.9999, ok", "60, ok", "60.0001, warn", "70, warn", "80, warn", "80.0001, act", "1e9, act"})
  void defaultRuleBoundariesAreExclusive(double value, String expected) {
    Decision decision = decide("cpu", value);
    switch (expected) {
      case "ok" -> assertEquals(new Decision.Ok("cpu", value), decision);
      case "warn" -> assertEquals(new Decision.Warn("cpu", value, Policy.ABOVE_WARN), decision);
      default -> assertEquals(new Decision.Act("cpu", value, "scale", Map.of()), decision);
    }
  }

  @ParameterizedTest(name = "error_rate {0} -> {1}")
  @CsvSource({"1, ok", "1.0001, warn", "5, warn", "5.0001, act"})
  void perMetricRuleOverridesTheDefault(double value, String expected) {
    Decision decision = decide("error_rate", value);
    switch (expected) {
      case "ok" -> assertInstanceOf(Decision.Ok.class, decision);
      case "warn" -> assertInstanceOf(Decision.Warn.class, decision);
      default -> assertEquals(new Decision.Act("error_rate", value, "rollback", Map.of("to", "previous")), decision);
    }
    // the same value on a metric without a rule of its own follows the default rule (warn > 60, act > 80)
    assertInstanceOf(Decision.Ok.class, decide("latency", value));
  }

  @Test
  void cooldownTurnsActIntoWarnButLeavesLowerLevelsAlone() {
    Signal spike = Signal.of("t1", "cpu", 95);
    assertEquals(new Decision.Warn("cpu", 95.0, Policy.COOLDOWN),
        Policy.decide(PACK, spike, Policy.View.COOLING_DOWN));
    assertEquals(new Decision.Warn("cpu", 70.0, Policy.ABOVE_WARN),
        Policy.decide(PACK, Signal.of("t1", "cpu", 70), Policy.View.COOLING_DOWN));
    assertEquals(new Decision.Ok("cpu", 10.0),
        Policy.decide(PACK, Signal.of("t1", "cpu", 10), Policy.View.COOLING_DOWN));
  }

  @Test
  void aRelaxDueInCooldownIsHeldArmedAndRunsOnceTheCooldownIsOver() {
    MetricRule rule = new MetricRule(60, 80, "scale", Map.of(), new RuleBehavior(1, Duration.ZERO, 0, "scale-in", 30,
        Duration.ofSeconds(60), Map.of(), Duration.ZERO, RuleBehavior.NO_DATA_WARNING));
    PolicyPack pack = PolicyPack.of("relaxing", rule, Map.of(), Duration.ofMinutes(5), Duration.ofSeconds(60));
    MetricState armed = new MetricState(false, 1_000, 0, 0, 1_000, true);
    Signal due = new Signal("t1", "cpu", 20.0, 61_000L, null);
    Policy.Evaluation held = Policy.evaluate(pack, due, armed, Policy.View.COOLING_DOWN);
    assertEquals(new Decision.Ok("cpu", 20.0, Policy.COOLDOWN), held.decision());
    assertEquals(new MetricState(false, 61_000, 0, 0, 1_000, true), held.after(), "armed, its window kept");
    Policy.Evaluation ran = Policy.evaluate(pack, new Signal("t1", "cpu", 20.0, 62_000L, null), held.after(),
        Policy.View.NORMAL);
    assertEquals(new Decision.Act("cpu", 20.0, "scale-in", Map.of()), ran.decision());
    assertEquals(false, ran.after().relaxArmed());
  }

  @Test
  void invalidSignalsAreRefusedWithAStableReason() {
    Signal[] invalid = {
        new Signal("t1", "cpu", null, null, null),
        new Signal("t1", "cpu", Double.NaN, null, null),
        new Signal("t1", "cpu", Double.POSITIVE_INFINITY, null, null),
        new Signal("t1", "cpu", Double.NEGATIVE_INFINITY, null, null),
        new Signal("", "cpu", 10.0, null, null),
        new Signal("  ", "cpu", 10.0, null, null),
        new Signal(null, "cpu", 10.0, null, null),
        new Signal("t1", "", 10.0, null, null),
        new Signal("t1", null, 10.0, null, null)};
    for (Signal signal : invalid) {
      Decision decision = Policy.decide(PACK, signal, Policy.View.NORMAL);
      Decision.Refuse refuse = assertInstanceOf(Decision.Refuse.class, decision, signal::toString);
      assertEquals(Policy.INVALID_SIGNAL, refuse.reason());
      assertEquals(signal.invalidity(), refuse.detail());
    }
  }

  @Test
  void actionParametersCannotBeChangedThroughTheDecision() {
    Decision.Act act = (Decision.Act) decide("error_rate", 50.0);
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
        () -> act.params().put("to", "other"));
  }
}
