package tai.autonomics.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.Entitlement;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * Scenarios in the style of Kubernetes' HPA behavior tests: a pack per behaviour, a governor per test, signals with
 * explicit timestamps, a real ledger on a memory store, and manual time for cooldowns and the no-data watch.
 */
class GovernorBehaviorTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final ManualTime manualTime = ManualTime.get(testKit.system());
  private static final MemoryReceiptStore store = new MemoryReceiptStore();
  private static final ActorRef<Ledger.Command> ledger = testKit.spawn(
      Ledger.create(store, new LedgerSettings("memory", Path.of("unused"), false, 4096, 100_000)), "ledger");
  private static final PolicyPacks PACKS = PolicyPacks.create(ConfigFactory.parseString("""
      autonomics.policy.packs {
        stab {
          cooldown = 30s
          default-rule { warn-above = 60, act-above = 80, action = scale, act-after = 3, tolerance = 5
            relax = scale-in, relax-below = 30, relax-for = 60s }
        }
        coolrelax {
          cooldown = 5m
          default-rule { relax = scale-in, relax-below = 30, relax-for = 60s }
        }
        held { default-rule { act-after = 1, act-for = 20s } }
        limited { cooldown = 1s, max-actions = 2, per = 1h }
        dry { mode = dry-run }
        silent { rules { cpu { stale-after = 10s } } }
      }
      """).withFallback(ConfigFactory.defaultReference()).resolve());
  private static final GovernorSettings SETTINGS = new GovernorSettings(100, 10, Duration.ofSeconds(5),
      Duration.ZERO, Duration.ofSeconds(2), 3, Duration.ofMinutes(1));
  private static final AtomicInteger tenants = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** One governor on pack {@code sku}; its signals are timestamped from now on, one second apart by default. */
  private static final class Tenant {
    final String id;
    final String sku;
    final TestProbe<Entitlements.Command> entitlements = testKit.createTestProbe();
    final TestProbe<ActionExecutor.Command> executor = testKit.createTestProbe();
    final TestProbe<Governor.Idle> parent = testKit.createTestProbe();
    ActorRef<Governor.Command> governor;
    long clock = System.currentTimeMillis();

    Tenant(String sku) {
      this(sku, "behavior-" + tenants.incrementAndGet());
    }

    Tenant(String sku, String id) {
      this.sku = sku;
      this.id = id;
      start();
    }

    /** A new incarnation of the tenant's governor, booting from the ledger as after a restart or passivation. */
    void start() {
      governor = testKit.spawn(Governor.create(id, new Governor.Collaborators(entitlements.getRef(), ledger,
          executor.getRef(), PACKS, parent.getRef()), SETTINGS));
      Entitlements.Check check = entitlements.expectMessageClass(Entitlements.Check.class);
      check.replyTo().tell(new Entitlements.Status(id, true,
          new Entitlement(id, "ent-" + id, sku, EntitlementState.ACTIVE, null, null)));
    }

    void restart() {
      testKit.stop(governor);
      start();
    }

    Receipt signal(String metric, double value, long timestampMs) {
      TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
      governor.tell(new Governor.ProcessSignal(new Signal(id, metric, value, timestampMs, null), reply.getRef()));
      return received(reply);
    }

    /** A cpu signal {@code advance} after the previous one. */
    Receipt cpu(double value, Duration advance) {
      clock += advance.toMillis();
      return signal("cpu", value, clock);
    }

    Receipt cpu(double value) {
      return cpu(value, Duration.ofSeconds(1));
    }

    Receipt control(java.util.function.Function<ActorRef<StatusReply<Receipt>>, Governor.Command> make) {
      TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
      governor.tell(make.apply(reply.getRef()));
      return received(reply);
    }

    /** Completes the action the executor was asked to run, and lets its cooldown pass. */
    ActionExecutor.Execute completeAction(Duration cooldown) {
      ActionExecutor.Execute execute = executor.expectMessageClass(ActionExecutor.Execute.class);
      execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "done", 1));
      awaitLast("action_completed");
      manualTime.timePasses(cooldown);
      return execute;
    }

    Receipt last() {
      List<Receipt> chain = store.page(id, 0, 10_000);
      return chain.get(chain.size() - 1);
    }

    void awaitLast(String reason) {
      executor.awaitAssert(() -> {
        assertEquals(reason, last().reason());
        return null;
      });
    }

    GovernorState state() {
      TestProbe<Governor.View> reply = testKit.createTestProbe();
      governor.tell(new Governor.GetState(reply.getRef()));
      return reply.receiveMessage().state();
    }
  }

  private static Receipt received(TestProbe<StatusReply<Receipt>> reply) {
    StatusReply<Receipt> answer = reply.receiveMessage(Duration.ofSeconds(5));
    assertTrue(answer.isSuccess(), () -> "error reply: " + answer);
    return answer.getValue();
  }

  private static void assertReason(String reason, Receipt receipt) {
    assertEquals(reason, receipt.reason(), () -> "receipt " + receipt);
  }

  @Test
  void aSustainedBreachActsOnce() {
    Tenant t = new Tenant("stab");
    assertReason("stabilizing", t.cpu(85));
    assertReason("stabilizing", t.cpu(85));
    Receipt act = t.cpu(85);
    assertReason("act", act);
    assertEquals("scale", act.actionType());
    ActionExecutor.Execute execute = t.executor.expectMessageClass(ActionExecutor.Execute.class);
    execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "done", 1));
    t.awaitLast("action_completed");
    for (int i = 0; i < 10; i++) {
      assertTrue(List.of("stabilizing", "cooldown").contains(t.cpu(85).reason()));
    }
    t.executor.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void flappingAroundTheThresholdActsNever() {
    Tenant t = new Tenant("stab");
    for (int i = 0; i < 20; i++) {
      assertReason("stabilizing", t.cpu(85));
      assertTrue(List.of("above_warn_threshold", "within_tolerance", "ok").contains(t.cpu(i % 2 == 0 ? 79 : 40)
          .reason()));
    }
    t.executor.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aSpikeThenRecoveryActsNeverWithActAfterThree() {
    Tenant t = new Tenant("stab");
    assertReason("stabilizing", t.cpu(95));
    assertReason("stabilizing", t.cpu(95));
    assertReason("ok", t.cpu(20));
    assertReason("stabilizing", t.cpu(95));
    t.executor.expectNoMessage(Duration.ofMillis(100));
    assertEquals("1", t.last().inputs().get("m.cpu").split(",")[2], "the streak counts again from the recovery");
  }

  @Test
  void actForNeedsTheValueHeldAboveForTheDuration() {
    Tenant t = new Tenant("held");
    assertReason("stabilizing", t.cpu(95));
    assertReason("stabilizing", t.cpu(95, Duration.ofSeconds(10)));
    assertReason("act", t.cpu(95, Duration.ofSeconds(10)));
  }

  @Test
  void toleranceKeepsTheWarningUntilTheValueIsClearlyBelow() {
    Tenant t = new Tenant("stab");
    assertReason("above_warn_threshold", t.cpu(65));
    Receipt held = t.cpu(57);
    assertReason("within_tolerance", held);
    assertEquals("warning", held.stateTo());
    Receipt cleared = t.cpu(54);
    assertReason("ok", cleared);
    assertEquals("stable", cleared.stateTo());
  }

  @Test
  void relaxRunsTheScaleInAfterTheMetricStayedLowForTheWindow() {
    Tenant t = new Tenant("stab");
    t.cpu(90);
    t.cpu(90);
    assertReason("act", t.cpu(90));
    t.completeAction(Duration.ofSeconds(30));
    assertReason("ok", t.cpu(20, Duration.ofSeconds(31)));
    assertReason("ok", t.cpu(20, Duration.ofSeconds(30)));
    t.executor.expectNoMessage(Duration.ofMillis(50));
    Receipt relax = t.cpu(20, Duration.ofSeconds(31));
    assertReason("act", relax);
    assertEquals("scale-in", relax.actionType());
    assertEquals("scale-in", t.completeAction(Duration.ofSeconds(30)).action().type());
    assertReason("ok", t.cpu(20, Duration.ofMinutes(2)));
    t.executor.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aRelaxThatComesDueInsideTheCooldownWaitsUntilTheCooldownHasPassed() {
    Tenant t = new Tenant("coolrelax");
    assertReason("act", t.cpu(90));
    t.completeAction(Duration.ZERO);
    assertReason("ok", t.cpu(20));
    Receipt due = t.cpu(20, Duration.ofSeconds(61));
    assertReason("ok", due);
    assertEquals("stable", due.stateTo());
    assertEquals("cooldown", due.inputs().get("relax_held"), () -> "receipt " + due);
    assertTrue(due.inputs().containsKey("cooldown_until"), "the decision records that it was made in cooldown");
    assertEquals("1", due.inputs().get("m.cpu").split(",")[5], "the relax stays armed");
    assertReason("ok", t.cpu(20, Duration.ofMinutes(2)));
    t.executor.expectNoMessage(Duration.ofMillis(100));

    manualTime.timePasses(Duration.ofMinutes(5));
    Receipt relax = t.cpu(20);
    assertReason("act", relax);
    assertEquals("scale-in", relax.actionType());
    assertNull(relax.inputs().get("cooldown_until"));
    assertNull(relax.inputs().get("relax_held"));
    assertEquals("scale-in", t.executor.expectMessageClass(ActionExecutor.Execute.class).action().type());
    List<Receipt> chain = store.page(t.id, 0, 10_000);
    GovernorReplay replay = new GovernorReplay(GovernorReplayTest.byReference(PACKS));
    chain.forEach(r -> assertTrue(replay.check(r).isEmpty(), () -> "replay of " + r));
    assertEquals(5, replay.decisions());
  }

  @Test
  void aHeldRelaxIsDecidedAgainFromTheMetricAtTheNextSignal() {
    Tenant t = new Tenant("coolrelax");
    assertReason("act", t.cpu(90));
    t.completeAction(Duration.ZERO);
    assertReason("ok", t.cpu(20));
    assertEquals("cooldown", t.cpu(20, Duration.ofSeconds(61)).inputs().get("relax_held"));
    manualTime.timePasses(Duration.ofMinutes(5));
    // the metric rose above relax-below meanwhile: nothing runs, and its window starts again
    Receipt risen = t.cpu(40);
    assertReason("ok", risen);
    assertNull(risen.inputs().get("relax_held"));
    assertReason("ok", t.cpu(20));
    assertReason("ok", t.cpu(20, Duration.ofSeconds(30)));
    t.executor.expectNoMessage(Duration.ofMillis(100));
    assertReason("act", t.cpu(20, Duration.ofSeconds(31)));
  }

  @Test
  void theRateLimitCapsActionsPerPeriod() {
    Tenant t = new Tenant("limited");
    assertReason("act", t.cpu(95));
    t.completeAction(Duration.ofSeconds(1));
    assertReason("act", t.cpu(95));
    t.completeAction(Duration.ofSeconds(1));
    Receipt limited = t.cpu(95);
    assertReason("rate_limited", limited);
    assertEquals("warning", limited.stateTo());
    t.executor.expectNoMessage(Duration.ofMillis(100));
    t.restart();
    assertReason("rate_limited", t.cpu(95));
  }

  @Test
  void aSilentMetricProducesNoDataAndTheTenantWarns() {
    Tenant t = new Tenant("silent");
    assertReason("ok", t.cpu(10));
    manualTime.timePasses(Duration.ofSeconds(9));
    t.executor.expectNoMessage(Duration.ofMillis(50));
    assertReason("ok", t.last());
    manualTime.timePasses(Duration.ofSeconds(1));
    t.awaitLast("no_data");
    assertEquals("warning", t.last().stateTo());
    assertEquals("cpu", t.last().signal().metric());
    assertEquals(GovernorState.WARNING, t.state());
    assertReason("ok", t.cpu(10));
    assertEquals(GovernorState.STABLE, t.state());
  }

  @Test
  void aWatchedGovernorDoesNotAgreeToPassivationUntilTheWatchEnds() {
    Tenant t = new Tenant("silent");
    t.cpu(10);
    t.governor.tell(Governor.PassivateIfIdle.INSTANCE);
    t.parent.expectNoMessage(Duration.ofMillis(100));
    manualTime.timePasses(Duration.ofSeconds(10));
    t.awaitLast("no_data");
    t.governor.tell(Governor.PassivateIfIdle.INSTANCE);
    t.parent.expectMessageClass(Governor.Idle.class);
  }

  @Test
  void aPausedTenantWouldActAndNothingRuns() {
    Tenant t = new Tenant("base");
    Receipt paused = t.control(reply -> new Governor.Pause("ops-alice", reply));
    assertReason("paused", paused);
    assertEquals("ops-alice", paused.inputs().get("operator"));
    Receipt would = t.cpu(95);
    assertReason("would_act", would);
    assertEquals("scale", would.actionType());
    assertNull(would.actionId());
    assertEquals("paused", would.inputs().get("would_act_because"));
    t.executor.expectNoMessage(Duration.ofMillis(100));
    t.restart();
    assertReason("would_act", t.cpu(95));
    assertReason("resumed", t.control(reply -> new Governor.Resume("ops-bob", reply)));
    assertReason("act", t.cpu(95));
    t.executor.expectMessageClass(ActionExecutor.Execute.class);
  }

  @Test
  void aDryRunPackWouldActAndNothingRuns() {
    Tenant t = new Tenant("dry");
    Receipt would = t.cpu(95);
    assertReason("would_act", would);
    assertEquals("dry-run", would.inputs().get("would_act_because"));
    assertReason("would_act", t.cpu(95));
    t.executor.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void staleAndOutOfOrderSignalsAreRefusedAndALateSpikeNeverActs() {
    Tenant t = new Tenant("base");
    long now = t.clock;
    assertReason("ok", t.signal("cpu", 20, now));
    Receipt late = t.signal("cpu", 95, now - 1);
    assertEquals(ReceiptType.REFUSAL, late.type());
    assertReason("stale_signal", late);
    Receipt tooOld = t.signal("memory", 95, System.currentTimeMillis() - Duration.ofMinutes(6).toMillis());
    assertReason("stale_signal", tooOld);
    t.executor.expectNoMessage(Duration.ofMillis(100));
    t.restart();
    assertReason("stale_signal", t.signal("cpu", 95, now - 1));
    assertReason("act", t.signal("cpu", 95, now + 1));
  }

  @Test
  void oneMetricRecoveringClearsOnlyItsOwnWarning() {
    Tenant t = new Tenant("base");
    assertEquals("warning", t.signal("memory", 70, t.clock).stateTo());
    Receipt cpuOk = t.cpu(10);
    assertReason("ok", cpuOk);
    assertEquals("warning", cpuOk.stateTo(), "memory still warns");
    assertEquals("stable", t.signal("memory", 10, t.clock).stateTo());
  }

  @Test
  void restartKeepsTheStreak() {
    Tenant t = new Tenant("stab");
    assertReason("stabilizing", t.cpu(85));
    assertReason("stabilizing", t.cpu(85));
    t.restart();
    assertReason("act", t.cpu(85));
  }

  @Test
  void clearingAQuarantineIsAReceiptNamingTheOperator() {
    Tenant t = new Tenant("base");
    TestProbe<StatusReply<Receipt>> refused = testKit.createTestProbe();
    t.governor.tell(new Governor.ClearQuarantine("ops", refused.getRef()));
    assertEquals("not_quarantined", refused.receiveMessage().getError().getMessage());
    assertReason("act", t.cpu(95));
    ActionExecutor.Execute execute = t.executor.expectMessageClass(ActionExecutor.Execute.class);
    execute.replyTo().tell(new ActionOutcome.Failed(execute.action().id(), "boom", 1));
    t.awaitLast("action_failed: boom");
    Receipt cleared = t.control(reply -> new Governor.ClearQuarantine("ops", reply));
    assertEquals(List.of("refusing", "stable", "quarantine_cleared", "ops"),
        List.of(cleared.stateFrom(), cleared.stateTo(), cleared.reason(), cleared.inputs().get("operator")));
    assertReason("ok", t.cpu(10));
  }
}
