package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Reading {@code autonomics.executor}: defaults, per-type effectors and latencies, and clear errors. */
class ExecutorSettingsTest {

  @Test
  void defaultsAreTheOriginalPool() {
    ExecutorSettings settings = ActionExecutorTest.settings("");
    assertEquals(10, settings.poolSize());
    assertEquals(20, settings.maxOverflow());
    assertEquals(30, settings.maxWorkers());
    assertEquals(1000, settings.queueCapacity());
    assertEquals(Duration.ofSeconds(5), settings.checkoutTimeout());
    assertEquals(Duration.ofSeconds(30), settings.deadline());
    assertEquals(3, settings.maxAttempts());
    assertEquals("simulated", settings.effectorFor("scale"));
    assertEquals(new ExecutorSettings.Profile(Duration.ofMillis(5), Duration.ofMillis(5), 0.0),
        settings.simulated().forType("rollback"), "one fixed latency for every type unless types say otherwise");
  }

  @Test
  void effectorsAndLatencyDistributionsArePerType() {
    ExecutorSettings settings = ActionExecutorTest.settings("""
        effectors { default = log, rollback = webhook }
        webhook { url = "https://ops.example.com/hooks/tai", secret = "s" }
        simulated {
          latency = 1ms, latency-max = 3ms, failure-rate = 0.5
          types { scale { latency = 4ms }, throttle { latency-max = 9ms, failure-rate = 0 } }
        }
        """);
    assertEquals("webhook", settings.effectorFor("rollback"));
    assertEquals("log", settings.effectorFor("scale"));
    assertEquals(new ExecutorSettings.Profile(Duration.ofMillis(1), Duration.ofMillis(3), 0.5),
        settings.simulated().forType("unknown"));
    assertEquals(new ExecutorSettings.Profile(Duration.ofMillis(4), Duration.ofMillis(4), 0.5),
        settings.simulated().forType("scale"), "a type setting only latency gets a fixed latency");
    assertEquals(new ExecutorSettings.Profile(Duration.ofMillis(1), Duration.ofMillis(9), 0.0),
        settings.simulated().forType("throttle"));
  }

  @Test
  void badValuesNameTheirKey() {
    assertTrue(assertThrows(ConfigException.class, () -> ActionExecutorTest.settings("effectors.scale = teleport"))
        .getMessage().contains("autonomics.executor.effectors.scale"));
    assertTrue(assertThrows(ConfigException.class, () -> ActionExecutorTest.settings("effectors.rollback = webhook"))
        .getMessage().contains("autonomics.executor.webhook.url"));
    assertTrue(assertThrows(ConfigException.class, () -> ActionExecutorTest.settings("""
        effectors.rollback = webhook
        webhook.url = "http://127.0.0.1:9/hook"
        """)).getMessage().contains("autonomics.executor.webhook.secret"));
    assertTrue(assertThrows(ConfigException.class, () -> ActionExecutorTest.settings("pool-size = 0"))
        .getMessage().contains("pool-size"));
    assertTrue(assertThrows(ConfigException.class, () -> ActionExecutorTest.settings(
        "simulated { latency = 5ms, latency-max = 1ms }")).getMessage().contains("latency-max"));
  }

  @Test
  void theSimulatedEffectorAnswersWithTheOriginalResultsAndItsFailureRate() {
    ExecutorSettings settings = ActionExecutorTest.settings("""
        simulated { latency = 0ms, types = { broken { failure-rate = 1.0 } } }
        """);
    SimulatedEffector effector = new SimulatedEffector(settings.simulated());
    CompletableFuture<Effector.Result> rollback = effector.attempt(
        new Action("b".repeat(32), "t", "rollback", Map.of()), 1).toCompletableFuture();
    assertEquals(Effector.succeeded("rolled_back"), rollback.join());
    assertEquals(Effector.retryable("simulated_failure"),
        effector.attempt(new Action("c".repeat(32), "t", "broken", Map.of()), 1).toCompletableFuture().join());
    assertEquals("scaled", SimulatedEffector.resultOf("scale_up"));
  }

  @Test
  void eachTypeGetsItsConfiguredEffector() {
    ExecutorSettings settings = ActionExecutorTest.settings("""
        effectors { rollback = log, throttle = webhook }
        webhook { url = "http://127.0.0.1:9/hook", secret = "s" }
        """);
    Effectors effectors = Effectors.create(settings, Runnable::run);
    assertTrue(effectors.forType("scale") instanceof SimulatedEffector);
    assertTrue(effectors.forType("rollback") instanceof LogEffector);
    assertTrue(effectors.forType("throttle") instanceof WebhookEffector);
    assertEquals(Effector.succeeded("logged"), effectors.forType("rollback")
        .attempt(new Action("d".repeat(32), "t", "rollback", Map.of("release", "v1")), 1).toCompletableFuture().join());
  }
}
