package tai.autonomics.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.Entitlement;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.Action;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorState;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.Signal;

/**
 * Every message that may cross the network in cluster mode survives Pekko's Jackson CBOR serializer unchanged
 * ({@code verifySerialization(msg, true)} also checks that the bound serializer is not Java serialization).
 */
class SerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final SerializationTestKit serialization = testKit.serializationTestKit();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void roundTrip(Object... messages) {
    for (Object message : messages) {
      assertEquals(message, serialization.verifySerialization(message, true), message.getClass().getName());
    }
  }

  private static <T> ActorRef<T> ref() {
    return testKit.<T>createTestProbe().getRef();
  }

  private static final Signal SIGNAL = new Signal("t1", "cpu", 72.5, 1_700_000_000_000L, "msg-1",
      new Receipt.DeliveryRecord("projects/p/subscriptions/s", 2, "2026-12-02T10:00:00Z", "k"));
  private static final Entitlement ENTITLEMENT =
      new Entitlement("t1", "ent-1", "professional", EntitlementState.PENDING_PLAN_CHANGE, "cust-1", "enterprise");
  private static final Receipt RECEIPT = Receipt.draft(ReceiptType.TRANSITION, "t1")
      .states("stable", "intervening").reason("act").policy("base@0123456789abcdef")
      .signal("cpu", 95.0, 1_700_000_000_000L).messageId("msg-1").action("a".repeat(32), "scale").attempts(2)
      .entitlement("ent-1", "base").entitlementDetails("cust-1", "enterprise").timestamp(1_700_000_000_001L).build()
      .sealed("b".repeat(32), 42L, Receipt.GENESIS_HASH, "c".repeat(64));
  private static final Entitlements.Status STATUS = new Entitlements.Status("t1", true, ENTITLEMENT);

  @Test
  void signalsReceiptsAndActions() {
    roundTrip(SIGNAL, new Signal("t1", "cpu", null, null, null), RECEIPT,
        Receipt.draft(ReceiptType.REFUSAL, "t1").timestamp(1).build(),
        Receipt.draft(ReceiptType.DEAD_LETTER, "").reason("invalid_json").delivery(SIGNAL.delivery())
            .deadLetter(new Receipt.DeadLetterRecord("not JSON", "17", "e30=", 2L, "a".repeat(64))).build(),
        new Receipt.SignalRecord("cpu", null, 3L),
        new Action("a".repeat(32), "t1", "throttle", Map.of("limit", "8000")),
        new ActionOutcome.Completed("a1", "done", 1), new ActionOutcome.Failed("a1", "timeout", 3));
  }

  @Test
  void governorProtocol() {
    roundTrip(new Governor.ProcessSignal(SIGNAL, ref()), new Governor.EntitlementChanged(STATUS),
        new Governor.EntitlementChanged(new Entitlements.Status("t2", false, null)),
        new Governor.ActionCompleted("a1", "done"), new Governor.ActionFailed("a1", "boom"),
        new Governor.GetState(ref()), Governor.Stop.INSTANCE, new Governor.Idle("t1", ref()),
        new Governor.View("t1", GovernorState.INTERVENING, "a1", true, "base", "base@01", 3, 1, 1, 2),
        new Governor.View("t1", GovernorState.BOOT, null, false, null, "base@01", 0, 0, 0, 0));
  }

  @Test
  void governorsProtocolCarriesAnyGovernorCommand() {
    for (Governor.Command command : List.of(new Governor.ProcessSignal(SIGNAL, ref()),
        new Governor.EntitlementChanged(STATUS), new Governor.ActionCompleted("a1", "done"),
        new Governor.ActionFailed("a1", "boom"), new Governor.GetState(ref()), Governor.Stop.INSTANCE)) {
      roundTrip(new Governors.Deliver("t1", command));
    }
    roundTrip(new Governors.CountLive(ref()), new Governors.Live(3));
  }

  @Test
  void entitlementsProtocol() {
    EntitlementEvent.Flat flat = new EntitlementEvent.Flat("t1", "ent-1",
        EntitlementEvent.FlatActionType.SUSPEND, "base", "cust-1", "unpaid", "ev-1");
    EntitlementEvent.Procurement procurement = new EntitlementEvent.Procurement("ev-2",
        "ENTITLEMENT_PLAN_CHANGED", "provider", "ent-1", "enterprise", "acct-1", null);
    roundTrip(flat, procurement, new Entitlements.Apply(flat, ref()), new Entitlements.Apply(procurement, ref()),
        new Entitlements.Check("t1", ref()), new Entitlements.Subscribe(ref()), STATUS,
        new Entitlements.Status("t1", false, null), ENTITLEMENT,
        new Entitlements.Applied(RECEIPT, ENTITLEMENT), new Entitlements.Applied(RECEIPT, null),
        new Entitlements.Duplicate(RECEIPT), new Entitlements.Rejected("invalid_transition", "no"),
        new Entitlements.Unavailable("overloaded"),
        new tai.autonomics.entitlement.MarketplaceCommand.SignUp("acct-1", ref()),
        new tai.autonomics.entitlement.MarketplaceCommand.Settle("t1", "ent-1", true, "ops", "base", ref()),
        new tai.autonomics.entitlement.MarketplaceCommand.Describe("t1", ref()),
        // the answer crosses the network from the entitlements singleton, sign-ups in flight included
        new tai.autonomics.entitlement.MarketplaceCommand.Overview(List.of(new tai.autonomics.entitlement
            .EntitlementView(ENTITLEMENT, Map.of("plan", "pro"), new tai.autonomics.entitlement.EntitlementView
                .PendingApproval("held", null, "pro", null, "unknown plan", 1L, 0, null, false))),
            List.of(new tai.autonomics.entitlement.SignUpView("acct-1", "call", "accounts.approve", "signup", 2L, 3,
                "HTTP 503", true))));
  }

  @Test
  void ledgerAndExecutorMessagesTheGovernorsSend() {
    roundTrip(new Ledger.Append(RECEIPT, ref()), new Ledger.AppendOrFind(RECEIPT, ref()),
        new Ledger.Appended(RECEIPT, false), new Ledger.GetHead("t1", ref()),
        new Ledger.Head("t1", new ReceiptStore.TenantHead("t1", 42, "c".repeat(64), "refusing", "action_timeout",
            1769400000123L), null),
        new Ledger.Head("t1", null, null),
        new ActionExecutor.Execute(new Action("a1", "t1", "scale", Map.of()), ref()));
  }

}
