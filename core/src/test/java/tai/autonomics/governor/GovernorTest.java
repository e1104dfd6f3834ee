package tai.autonomics.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Every row of the governor's transition table, one governor per test, with a real ledger on a memory
 * store and probes standing in for Entitlements, the executor and the parent. Time is manual: cooldown, quarantine
 * and the action deadline pass when a test says so.
 */
class GovernorTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final ManualTime manualTime = ManualTime.get(testKit.system());
  private static final MemoryReceiptStore store = new MemoryReceiptStore();
  private static final ActorRef<Ledger.Command> ledger = testKit.spawn(
      Ledger.create(store, new LedgerSettings("memory", Path.of("unused"), false, 4096, 100_000)), "ledger");
  private static final PolicyPacks PACKS = PolicyPacks.create(ConfigFactory.defaultReference());
  private static final String BASE = PACKS.forSku("base").reference();
  private static final GovernorSettings SETTINGS = new GovernorSettings(3, 10, Duration.ofSeconds(5), Duration.ZERO,
      Duration.ofSeconds(2), 3, Duration.ofMinutes(1));
  private static final Duration COOLDOWN = PACKS.forSku("base").cooldown();
  private static final Duration QUARANTINE = PACKS.forSku("base").quarantine();
  private static final AtomicInteger tenants = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Entitlements.Status status(String tenant, EntitlementState state, String sku) {
    return new Entitlements.Status(tenant, state.isActive(),
        new Entitlement(tenant, "ent-" + tenant, sku, state, null, null));
  }

  /** One governor under test and the probes around it. */
  private static final class Tenant {
    final String id = "tenant-" + tenants.incrementAndGet();
    final TestProbe<Entitlements.Command> entitlements = testKit.createTestProbe();
    final TestProbe<ActionExecutor.Command> executor = testKit.createTestProbe();
    final TestProbe<Governor.Idle> parent = testKit.createTestProbe();
    final ActorRef<Governor.Command> governor;

    Tenant() {
      this(null);
    }

    /** {@code headState}: the governor state an earlier incarnation left in the ledger, or null for none. */
    Tenant(String headState) {
      this(headState, "earlier", Duration.ZERO);
    }

    /** {@code reason} and {@code ago}: of the receipt by which the earlier incarnation entered headState. */
    Tenant(String headState, String reason, Duration ago) {
      if (headState != null) {
        headIn(id, headState, reason, System.currentTimeMillis() - ago.toMillis());
      }
      governor = testKit.spawn(Governor.create(id, new Governor.Collaborators(entitlements.getRef(), ledger,
          executor.getRef(), PACKS, parent.getRef()), SETTINGS));
    }

    /** Answers the governor's boot question about the entitlement. */
    Tenant entitled(Entitlements.Status status) {
      Entitlements.Check check = entitlements.expectMessageClass(Entitlements.Check.class);
      assertEquals(id, check.tenantId());
      check.replyTo().tell(status);
      return this;
    }

    /** Answers the boot question with an entitlement on base in {@code state}. */
    Tenant entitled(EntitlementState state) {
      return entitled(status(id, state, "base"));
    }

    Tenant active() {
      return entitled(EntitlementState.ACTIVE);
    }

    void entitlementBecomes(EntitlementState state) {
      entitlementBecomes(state, "base");
    }

    void entitlementBecomes(EntitlementState state, String sku) {
      governor.tell(new Governor.EntitlementChanged(status(id, state, sku)));
    }

    TestProbe<StatusReply<Receipt>> send(Double value) {
      TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
      governor.tell(new Governor.ProcessSignal(new Signal(id, "cpu", value, System.currentTimeMillis(), null), reply.getRef()));
      return reply;
    }

    Receipt signal(Double value) {
      return received(send(value));
    }

    Governor.View view() {
      TestProbe<Governor.View> reply = testKit.createTestProbe();
      governor.tell(new Governor.GetState(reply.getRef()));
      return reply.receiveMessage();
    }

    GovernorState state() {
      return view().state();
    }

    /** Drives the governor into intervening and returns the action the executor was asked to run. */
    ActionExecutor.Execute act() {
      Receipt receipt = signal(95.0);
      assertEquals("intervening", receipt.stateTo());
      ActionExecutor.Execute execute = executor.expectMessageClass(ActionExecutor.Execute.class);
      assertEquals(receipt.actionId(), execute.action().id());
      return execute;
    }

    /** The last receipt the ledger holds for this tenant; transitions nobody waits for are checked this way. */
    Receipt last() {
      List<Receipt> chain = store.page(id, 0, 10_000);
      return chain.get(chain.size() - 1);
    }

    void awaitLast(String from, String to, String reason) {
      entitlements.awaitAssert(() -> {
        Receipt last = last();
        assertEquals(ReceiptType.TRANSITION, last.type());
        assertEquals(List.of(from, to, reason), List.of(last.stateFrom(), last.stateTo(), last.reason()));
        return null;
      });
    }
  }

  private static Receipt received(TestProbe<StatusReply<Receipt>> reply) {
    StatusReply<Receipt> answer = reply.receiveMessage(Duration.ofSeconds(5));
    assertTrue(answer.isSuccess(), () -> "error reply: " + answer);
    return answer.getValue();
  }

  private static void assertDecision(Receipt receipt, ReceiptType type, String from, String to, String reason) {
    assertEquals(type, receipt.type());
    assertEquals(List.of(from, to, reason), List.of(receipt.stateFrom(), receipt.stateTo(), receipt.reason()));
    assertTrue(receipt.isSealed());
  }

  /** Writes a governor receipt ending in {@code state}, as an earlier incarnation would have. */
  private static void headIn(String tenant, String state, String reason, long timestamp) {
    TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
    ledger.tell(new Ledger.Append(Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", state)
        .reason(reason).timestamp(timestamp).build(), reply.getRef()));
    received(reply);
  }

  // boot

  @Test
  void bootWithoutHistoryIsStable() {
    Tenant t = new Tenant().active();
    Governor.View view = t.view();
    assertEquals(new Governor.View(t.id, GovernorState.STABLE, null, true, "base", BASE, 0, 0, 0, 0), view);
  }

  @Test
  void bootRestoresWarningFromTheLedgerHead() {
    Tenant t = new Tenant("warning").active();
    assertEquals(GovernorState.WARNING, t.state());
    assertDecision(t.signal(10.0), ReceiptType.TRANSITION, "warning", "stable", "ok");
  }

  @Test
  void bootRestoresRefusingAsAQuarantineThatEnds() {
    Tenant t = new Tenant("refusing").active();
    assertEquals(GovernorState.REFUSING, t.state());
    assertDecision(t.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.QUARANTINED);
    manualTime.timePasses(QUARANTINE);
    t.awaitLast("refusing", "stable", "quarantine_over");
    assertEquals(GovernorState.STABLE, t.state());
  }

  @Test
  void bootRestoresOnlyWhatIsLeftOfAQuarantine() {
    // the action failed 40 s before this boot: 20 s of the 60 s quarantine are left
    Tenant t = new Tenant("refusing", "action_failed: boom", QUARANTINE.minusSeconds(20)).active();
    assertDecision(t.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.QUARANTINED);
    manualTime.timePasses(Duration.ofSeconds(15));
    assertEquals(GovernorState.REFUSING, t.state());
    manualTime.timePasses(Duration.ofSeconds(6));
    t.awaitLast("refusing", "stable", "quarantine_over");
    assertEquals(GovernorState.STABLE, t.state());
  }

  @Test
  void bootAfterTheQuarantineEndedIsStable() {
    Tenant t = new Tenant("refusing", "action_timeout", QUARANTINE.multipliedBy(3)).active();
    t.awaitLast("refusing", "stable", "quarantine_over");
    assertDecision(t.signal(10.0), ReceiptType.TRANSITION, "stable", "stable", "ok");
  }

  @Test
  void bootRestoresAnEntitlementRefusalAsOneAndNotAsAQuarantine() {
    // refused for the entitlement, which became active again while no governor ran: served at once
    Tenant resumed = new Tenant("refusing", GovernorData.ENTITLEMENT_INACTIVE, Duration.ZERO).active();
    resumed.awaitLast("refusing", "stable", "entitlement_active");
    assertDecision(resumed.signal(10.0), ReceiptType.TRANSITION, "stable", "stable", "ok");

    // still inactive: refused for the entitlement, and served as soon as it is active, without a quarantine
    Tenant suspended = new Tenant("refusing", GovernorData.ENTITLEMENT_INACTIVE, Duration.ZERO);
    suspended.entitled(EntitlementState.SUSPENDED);
    assertDecision(suspended.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing",
        GovernorData.ENTITLEMENT_INACTIVE);
    suspended.entitlementBecomes(EntitlementState.ACTIVE);
    suspended.awaitLast("refusing", "stable", "entitlement_active");
    assertDecision(suspended.signal(10.0), ReceiptType.TRANSITION, "stable", "stable", "ok");
  }

  @Test
  void aQuarantineRestoredWhileTheEntitlementIsInactiveStillRunsItsCourse() {
    Tenant t = new Tenant("refusing", "action_failed: boom", Duration.ZERO);
    t.entitled(EntitlementState.SUSPENDED);
    assertDecision(t.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.QUARANTINED);
    // active again before the quarantine ends: the quarantine still ends first, as for a live governor
    t.entitlementBecomes(EntitlementState.ACTIVE);
    assertDecision(t.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.QUARANTINED);
    manualTime.timePasses(QUARANTINE);
    t.awaitLast("refusing", "stable", "quarantine_over");
  }

  @Test
  void bootAfterAnInterruptedActionIsStable() {
    Tenant t = new Tenant("intervening").active();
    assertEquals(GovernorState.STABLE, t.state());
  }

  @Test
  void bootWithAnInactiveEntitlementRefusesWhateverTheHeadSays() {
    Tenant suspended = new Tenant("warning");
    suspended.entitled(EntitlementState.SUSPENDED);
    assertEquals(GovernorState.REFUSING, suspended.state());
    assertFalse(suspended.view().entitled());
    assertDecision(suspended.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.ENTITLEMENT_INACTIVE);
    Tenant unknown = new Tenant().entitled(new Entitlements.Status("x", false, null));
    assertDecision(unknown.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.UNKNOWN_TENANT);
    assertEquals(new Governor.View(unknown.id, GovernorState.REFUSING, null, false, null, BASE, 1, 1, 0, 0),
        unknown.view());
  }

  @Test
  void signalsArrivingDuringBootWaitAndAreDecidedInOrder() {
    Tenant t = new Tenant();
    TestProbe<StatusReply<Receipt>> first = t.send(70.0);
    TestProbe<StatusReply<Receipt>> second = t.send(10.0);
    TestProbe<Governor.View> view = testKit.createTestProbe();
    t.governor.tell(new Governor.GetState(view.getRef()));
    first.expectNoMessage(Duration.ofMillis(100));
    t.active();
    Receipt warned = received(first);
    Receipt ok = received(second);
    assertDecision(warned, ReceiptType.TRANSITION, "stable", "warning", "above_warn_threshold");
    assertDecision(ok, ReceiptType.TRANSITION, "warning", "stable", "ok");
    assertTrue(ok.seq() > warned.seq());
    assertEquals(2, view.receiveMessage().signals());
  }

  @Test
  void anEntitlementChangeArrivingDuringBootIsAppliedAfterIt() {
    Tenant t = new Tenant();
    t.entitlementBecomes(EntitlementState.SUSPENDED);
    TestProbe<StatusReply<Receipt>> signal = t.send(10.0);
    t.active();
    assertDecision(received(signal), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.ENTITLEMENT_INACTIVE);
    assertDecision(store.page(t.id, 0, 100).get(0), ReceiptType.TRANSITION, "stable", "refusing",
        GovernorData.ENTITLEMENT_INACTIVE);
  }

  // stable and warning

  @Test
  void stableAndWarningDecideEachSignal() {
    Tenant t = new Tenant().active();
    Receipt ok = t.signal(10.0);
    assertDecision(ok, ReceiptType.TRANSITION, "stable", "stable", "ok");
    assertEquals(BASE, ok.policy());
    assertEquals("cpu", ok.signal().metric());
    assertEquals(10.0, ok.signal().value());
    assertDecision(t.signal(Double.NaN), ReceiptType.REFUSAL, "stable", "stable", "invalid_signal");
    assertEquals(GovernorState.STABLE, t.state());
    assertDecision(t.signal(60.0001), ReceiptType.TRANSITION, "stable", "warning", "above_warn_threshold");
    assertDecision(t.signal(80.0), ReceiptType.TRANSITION, "warning", "warning", "above_warn_threshold");
    assertDecision(t.signal(null), ReceiptType.REFUSAL, "warning", "warning", "invalid_signal");
    assertDecision(t.signal(Double.NEGATIVE_INFINITY), ReceiptType.REFUSAL, "warning", "warning", "invalid_signal");
    assertEquals(GovernorState.WARNING, t.state());
    assertDecision(t.signal(60.0), ReceiptType.TRANSITION, "warning", "stable", "ok");
    Governor.View view = t.view();
    assertEquals(7, view.signals());
    assertEquals(3, view.refusals());
    assertEquals(0, view.actions());
  }

  @Test
  void theReplyCarriesTheReceiptOfItsOwnMessage() {
    Tenant t = new Tenant().active();
    TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
    t.governor.tell(new Governor.ProcessSignal(new Signal(t.id, "cpu", 5.0, 7L, "msg-1"), reply.getRef()));
    Receipt receipt = received(reply);
    assertEquals("msg-1", receipt.messageId());
    assertEquals(receipt, store.get(receipt.id()).orElseThrow(), "answered only once it is in the store");
  }

  @Test
  void actFromStableAndFromWarningStartsOneAction() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    assertEquals(t.id, execute.action().tenantId());
    assertEquals("scale", execute.action().type());
    assertTrue(execute.action().id().matches("[0-9a-f]{32}"));
    Governor.View intervening = t.view();
    assertEquals(GovernorState.INTERVENING, intervening.state());
    assertEquals(execute.action().id(), intervening.actionId());
    assertEquals(1, intervening.actions());
    Receipt act = store.page(t.id, 0, 100).get(0);
    assertDecision(act, ReceiptType.TRANSITION, "stable", "intervening", "act");
    assertEquals("scale", act.actionType());

    execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "done", 1));
    t.awaitLast("intervening", "stable", "action_completed");
    manualTime.timePasses(COOLDOWN);
    assertEquals("warning", t.signal(70.0).stateTo());
    Receipt fromWarning = t.signal(80.0001);
    assertDecision(fromWarning, ReceiptType.TRANSITION, "warning", "intervening", "act");
    assertNotNull(t.executor.expectMessageClass(ActionExecutor.Execute.class));
  }

  // intervening

  @Test
  void signalsWhileInterveningArePostponedAndDecidedInOrderAfterCompletion() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    String actionId = execute.action().id();
    TestProbe<StatusReply<Receipt>> replies = testKit.createTestProbe();
    for (double value : new double[] {10, 70, 20}) {
      t.governor.tell(new Governor.ProcessSignal(Signal.of(t.id, "cpu", value), replies.getRef()));
    }
    replies.expectNoMessage(Duration.ofMillis(100));
    assertEquals(3, t.view().postponed());

    // another action's end is not ours
    t.governor.tell(new Governor.ActionCompleted("someone-else", "done"));
    t.governor.tell(new Governor.ActionFailed("someone-else", "boom"));
    replies.expectNoMessage(Duration.ofMillis(100));
    assertEquals(GovernorState.INTERVENING, t.state());

    t.governor.tell(new Governor.ActionCompleted(actionId, "done"));
    Receipt first = received(replies);
    Receipt second = received(replies);
    Receipt third = received(replies);
    assertDecision(first, ReceiptType.TRANSITION, "stable", "stable", "ok");
    assertDecision(second, ReceiptType.TRANSITION, "stable", "warning", "above_warn_threshold");
    assertDecision(third, ReceiptType.TRANSITION, "warning", "stable", "ok");
    assertEquals(List.of(10.0, 70.0, 20.0),
        List.of(first.signal().value(), second.signal().value(), third.signal().value()));
    Receipt completed = store.page(t.id, 0, 100).get(1);
    assertDecision(completed, ReceiptType.TRANSITION, "intervening", "stable", "action_completed");
    assertTrue(completed.seq() < first.seq());
    assertEquals(0, t.view().postponed());
  }

  @Test
  void aFullStashRefusesFurtherSignalsAsOverloaded() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    List<TestProbe<StatusReply<Receipt>>> waiting = List.of(t.send(1.0), t.send(2.0), t.send(3.0));
    StatusReply<Receipt> overloaded = t.send(4.0).receiveMessage();
    assertTrue(overloaded.isError());
    assertEquals("overloaded", overloaded.getError().getMessage());
    execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "done", 1));
    for (TestProbe<StatusReply<Receipt>> reply : waiting) {
      assertEquals("stable", received(reply).stateTo());
    }
  }

  @Test
  void aFailedActionQuarantinesTheTenantUntilTheQuarantineEnds() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    TestProbe<StatusReply<Receipt>> postponed = t.send(10.0);
    execute.replyTo().tell(new ActionOutcome.Failed(execute.action().id(), "boom", 3));
    assertDecision(received(postponed), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.QUARANTINED);
    Receipt failed = store.page(t.id, 0, 100).get(1);
    assertDecision(failed, ReceiptType.TRANSITION, "intervening", "refusing", "action_failed: boom");
    assertDecision(t.signal(Double.NaN), ReceiptType.REFUSAL, "refusing", "refusing", "invalid_signal");
    assertEquals(GovernorState.REFUSING, t.state());
    manualTime.timePasses(QUARANTINE.minusSeconds(1));
    assertEquals(GovernorState.REFUSING, t.state());
    manualTime.timePasses(Duration.ofSeconds(1));
    t.awaitLast("refusing", "stable", "quarantine_over");
    assertDecision(t.signal(10.0), ReceiptType.TRANSITION, "stable", "stable", "ok");
  }

  @Test
  void anActionPastItsDeadlineQuarantinesAndALateResultIsIgnored() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    manualTime.timePasses(SETTINGS.actionDeadline());
    t.awaitLast("intervening", "refusing", "action_timeout");
    t.governor.tell(new Governor.ActionCompleted(execute.action().id(), "late"));
    assertEquals(GovernorState.REFUSING, t.state());
    assertEquals(GovernorData.QUARANTINED, t.signal(10.0).reason());
  }

  @Test
  void aCooldownTurnsActIntoWarnUntilItEnds() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    t.governor.tell(new Governor.ActionCompleted(execute.action().id(), "done"));
    assertDecision(t.signal(95.0), ReceiptType.TRANSITION, "stable", "warning", "cooldown");
    assertDecision(t.signal(99.0), ReceiptType.TRANSITION, "warning", "warning", "cooldown");
    t.executor.expectNoMessage(Duration.ofMillis(50));
    manualTime.timePasses(COOLDOWN);
    assertDecision(t.signal(95.0), ReceiptType.TRANSITION, "warning", "intervening", "act");
    t.executor.expectMessageClass(ActionExecutor.Execute.class);
  }

  // entitlement changes

  @Test
  void anInactiveEntitlementSendsStableAndWarningToRefusingAndActiveBringsThemBack() {
    for (String start : new String[] {"stable", "warning"}) {
      Tenant t = new Tenant().active();
      if (start.equals("warning")) {
        t.signal(70.0);
      }
      t.entitlementBecomes(EntitlementState.SUSPENDED);
      assertDecision(t.signal(10.0), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.ENTITLEMENT_INACTIVE);
      Receipt toRefusing = store.page(t.id, 0, 100).get(start.equals("warning") ? 1 : 0);
      assertDecision(toRefusing, ReceiptType.TRANSITION, start, "refusing", GovernorData.ENTITLEMENT_INACTIVE);
      t.entitlementBecomes(EntitlementState.ACTIVE);
      assertDecision(t.signal(10.0), ReceiptType.TRANSITION, "stable", "stable", "ok");
      List<Receipt> chain = store.page(t.id, 0, 100);
      assertDecision(chain.get(chain.size() - 2), ReceiptType.TRANSITION, "refusing", "stable", "entitlement_active");
    }
  }

  @Test
  void anInactiveEntitlementWhileInterveningRefusesOnceTheActionEnds() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    t.entitlementBecomes(EntitlementState.CANCELLED);
    assertEquals(GovernorState.INTERVENING, t.state(), "the action in flight is not abandoned");
    TestProbe<StatusReply<Receipt>> postponed = t.send(10.0);
    execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "done", 1));
    assertDecision(received(postponed), ReceiptType.REFUSAL, "refusing", "refusing", GovernorData.ENTITLEMENT_INACTIVE);
    assertDecision(store.page(t.id, 0, 100).get(1), ReceiptType.TRANSITION, "intervening", "refusing",
        GovernorData.ENTITLEMENT_INACTIVE);
    t.entitlementBecomes(EntitlementState.ACTIVE);
    assertEquals(GovernorState.STABLE, t.state());

    Tenant failing = new Tenant().active();
    ActionExecutor.Execute doomed = failing.act();
    failing.entitlementBecomes(EntitlementState.SUSPENDED);
    failing.governor.tell(new Governor.ActionFailed(doomed.action().id(), "boom"));
    assertEquals(GovernorData.ENTITLEMENT_INACTIVE, failing.signal(10.0).reason(),
        "without an entitlement there is no quarantine to wait out");
    failing.entitlementBecomes(EntitlementState.ACTIVE);
    assertEquals(GovernorState.STABLE, failing.state());
  }

  @Test
  void aQuarantineOutlastedByAnInactiveEntitlementKeepsRefusing() {
    Tenant t = new Tenant().active();
    ActionExecutor.Execute execute = t.act();
    t.governor.tell(new Governor.ActionFailed(execute.action().id(), "boom"));
    t.entitlementBecomes(EntitlementState.SUSPENDED);
    assertEquals(GovernorData.QUARANTINED, t.signal(10.0).reason());
    manualTime.timePasses(QUARANTINE);
    assertEquals(GovernorData.ENTITLEMENT_INACTIVE, t.signal(10.0).reason());
    t.entitlementBecomes(EntitlementState.ACTIVE);
    assertEquals("stable", t.signal(10.0).stateTo());

    Tenant active = new Tenant().active();
    ActionExecutor.Execute other = active.act();
    active.governor.tell(new Governor.ActionFailed(other.action().id(), "boom"));
    active.entitlementBecomes(EntitlementState.ACTIVE);
    assertEquals(GovernorData.QUARANTINED, active.signal(10.0).reason(), "an active entitlement does not end a quarantine");
  }

  @Test
  void aPlanChangeSwitchesThePolicyPack() {
    Tenant t = new Tenant().active();
    t.entitlementBecomes(EntitlementState.ACTIVE, "enterprise");
    Receipt receipt = t.signal(82.0);
    assertDecision(receipt, ReceiptType.TRANSITION, "stable", "warning", "above_warn_threshold");
    assertEquals(PACKS.forSku("enterprise").reference(), receipt.policy());
    assertEquals("enterprise", t.view().sku());
    t.entitlementBecomes(EntitlementState.PENDING_CANCELLATION);
    assertEquals("intervening", t.signal(82.0).stateTo(), "pending cancellation is still served, on base");
    assertEquals(Map.of(), t.executor.expectMessageClass(ActionExecutor.Execute.class).action().params());
  }

  @Test
  void stopEndsTheGovernorInAnyState() {
    Tenant t = new Tenant().active();
    t.act();
    TestProbe<Object> watcher = testKit.createTestProbe();
    t.governor.tell(Governor.Stop.INSTANCE);
    watcher.expectTerminated(t.governor);
  }
}
