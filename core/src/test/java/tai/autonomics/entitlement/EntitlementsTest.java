package tai.autonomics.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.EntitlementEvent.FlatActionType;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/** The Entitlements actor with a real ledger on a memory store: receipts, de-duplication, subscribers, restart. */
class EntitlementsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final LedgerSettings LEDGER = new LedgerSettings("memory", Path.of("unused"), false, 4096, 100_000);
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final EntitlementSettings REFUSE_UNKNOWN = new EntitlementSettings(true, List.of(), 100);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** One store, ledger and Entitlements actor per test, so tests cannot see each other's tenants. */
  private record Fixture(MemoryReceiptStore store, ActorRef<Ledger.Command> ledger,
      ActorRef<Entitlements.Command> entitlements, TestProbe<Entitlements.Status> listener) {

    Entitlements.Result apply(EntitlementEvent event) {
      TestProbe<Entitlements.Result> reply = testKit.createTestProbe();
      entitlements.tell(new Entitlements.Apply(event, reply.getRef()));
      return reply.receiveMessage(Duration.ofSeconds(5));
    }

    Entitlements.Applied applied(EntitlementEvent event) {
      return assertInstanceOf(Entitlements.Applied.class, apply(event), event::toString);
    }

    Entitlements.Status check(String tenantId) {
      TestProbe<Entitlements.Status> reply = testKit.createTestProbe();
      entitlements.tell(new Entitlements.Check(tenantId, reply.getRef()));
      return reply.receiveMessage();
    }
  }

  private static Fixture fixture(EntitlementSettings settings) {
    MemoryReceiptStore store = new MemoryReceiptStore();
    ActorRef<Ledger.Command> ledger = testKit.spawn(Ledger.create(store, LEDGER));
    return withEntitlements(store, ledger, settings);
  }

  private static Fixture withEntitlements(MemoryReceiptStore store, ActorRef<Ledger.Command> ledger,
      EntitlementSettings settings) {
    // a topic name per fixture: topics of one name find each other, and each fixture stands for a node of its own
    ActorRef<Topic.Command<Entitlements.Status>> changes =
        testKit.spawn(Topic.create(Entitlements.Status.class, "changes-" + TOPICS.incrementAndGet()));
    ActorRef<Entitlements.Command> entitlements =
        testKit.spawn(Entitlements.create(ledger, store, settings, changes));
    TestProbe<Entitlements.Status> listener = testKit.createTestProbe();
    entitlements.tell(new Entitlements.Subscribe(listener.getRef()));
    return new Fixture(store, ledger, entitlements, listener);
  }

  private static EntitlementEvent.Flat flat(String tenant, FlatActionType action, String sku, String eventId) {
    return new EntitlementEvent.Flat(tenant, "ent-" + tenant, action, sku, "cust-1", null, eventId);
  }

  private static EntitlementEvent.Procurement procurement(String eventId, String type, String entitlementId,
      String newPlan, String accountId) {
    return new EntitlementEvent.Procurement(eventId, type, "provider-1", entitlementId, newPlan, accountId, null);
  }

  @Test
  void flatLifecycleWritesReceiptsAndTellsSubscribers() {
    Fixture f = fixture(REFUSE_UNKNOWN);
    assertFalse(f.check("t1").active(), "unknown tenants are refused by default");
    assertNull(f.check("t1").entitlement());

    Entitlements.Applied granted = f.applied(flat("t1", FlatActionType.GRANT, "professional", null));
    Receipt receipt = granted.receipt();
    assertEquals(ReceiptType.ENTITLEMENT, receipt.type());
    assertTrue(receipt.isSealed());
    assertNull(receipt.stateFrom());
    assertEquals("active", receipt.stateTo());
    assertEquals("ent-t1", receipt.entitlementId());
    assertEquals("professional", receipt.sku());
    assertEquals("grant", receipt.reason());
    Entitlements.Status active = f.listener().receiveMessage();
    assertEquals(new Entitlements.Status("t1", true, granted.entitlement()), active);
    assertEquals("professional", active.sku());

    assertEquals("suspended", f.applied(flat("t1", FlatActionType.SUSPEND, null, null)).receipt().stateTo());
    assertFalse(f.listener().receiveMessage().active());
    assertFalse(f.check("t1").active());
    assertEquals("active", f.applied(flat("t1", FlatActionType.RESUME, null, null)).receipt().stateTo());
    assertTrue(f.listener().receiveMessage().active());
    Receipt revoked = f.applied(new EntitlementEvent.Flat("t1", "ent-t1", FlatActionType.REVOKE, null, null,
        "customer left", null)).receipt();
    assertEquals("active", revoked.stateFrom());
    assertEquals("cancelled", revoked.stateTo());
    assertEquals("revoke: customer left", revoked.reason());
    Entitlements.Status cancelled = f.listener().receiveMessage();
    assertFalse(cancelled.active());
    assertEquals(EntitlementState.CANCELLED, cancelled.entitlement().state());
    assertEquals(4, f.store().page("t1", 0, 100).size());
  }

  @Test
  void invalidTransitionsAreRejectedAndWriteNothing() {
    Fixture f = fixture(REFUSE_UNKNOWN);
    Entitlements.Rejected rejected = assertInstanceOf(Entitlements.Rejected.class,
        f.apply(flat("t2", FlatActionType.SUSPEND, null, "ev-s")));
    assertEquals("invalid_transition", rejected.reason());
    f.applied(flat("t2", FlatActionType.GRANT, null, null));
    f.listener().receiveMessage();
    Receipt granted = f.store().page("t2", 0, 100).get(0);
    for (FlatActionType inEffect : new FlatActionType[] {FlatActionType.GRANT, FlatActionType.RESUME}) {
      // the state asked for is in effect: answered with the receipt that made it so, nothing written
      assertEquals(granted, assertInstanceOf(Entitlements.Duplicate.class,
          f.apply(flat("t2", inEffect, null, null))).receipt());
    }
    assertEquals(1, f.store().page("t2", 0, 100).size());
    assertTrue(f.store().findByMessageId(new MessageKey("t2", null, "ev-s")).isEmpty(), "a rejected event may be sent again once it is valid");
    f.listener().expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void redeliveriesAreAnsweredWithTheOriginalReceipt() {
    Fixture f = fixture(REFUSE_UNKNOWN);
    TestProbe<Entitlements.Result> first = testKit.createTestProbe();
    TestProbe<Entitlements.Result> second = testKit.createTestProbe();
    // the second arrives while the first is still being written: it waits and is then found in the store
    f.entitlements().tell(new Entitlements.Apply(flat("t3", FlatActionType.GRANT, null, "ev-1"), first.getRef()));
    f.entitlements().tell(new Entitlements.Apply(flat("t3", FlatActionType.GRANT, null, "ev-1"), second.getRef()));
    Receipt original = assertInstanceOf(Entitlements.Applied.class, first.receiveMessage()).receipt();
    assertEquals(new Entitlements.Duplicate(original), second.receiveMessage());
    // later, even an event that would now be invalid is answered as the duplicate it is
    assertEquals(new Entitlements.Duplicate(original), f.apply(flat("t3", FlatActionType.GRANT, null, "ev-1")));
    assertEquals(1, f.store().page("t3", 0, 100).size());
  }

  @Test
  void procurementLifecycleBindsEventsToTheTenantOfTheirEntitlement() {
    Fixture f = fixture(REFUSE_UNKNOWN);
    Entitlements.Applied requested = f.applied(procurement("p1", "ENTITLEMENT_CREATION_REQUESTED", "mp-1",
        "professional", "acct-9"));
    assertEquals("acct-9", requested.entitlement().tenantId(), "a new entitlement's tenant is its account");
    assertEquals("pending", requested.receipt().stateTo());
    assertEquals("p1", requested.receipt().messageId());
    assertFalse(f.listener().receiveMessage().active());

    // later events name only the entitlement: they find the tenant bound to it
    f.applied(procurement("p2", "ENTITLEMENT_ACTIVE", "mp-1", null, null));
    assertTrue(f.listener().receiveMessage().active());
    f.applied(procurement("p3", "ENTITLEMENT_PLAN_CHANGE_REQUESTED", "mp-1", "enterprise", null));
    Entitlements.Status pending = f.listener().receiveMessage();
    assertTrue(pending.active());
    assertEquals("professional", pending.sku());
    Receipt planChanged = f.applied(procurement("p4", "ENTITLEMENT_PLAN_CHANGED", "mp-1", "enterprise", null))
        .receipt();
    assertEquals("enterprise", planChanged.sku());
    assertEquals("enterprise", f.listener().receiveMessage().sku());
    f.applied(procurement("p5", "ENTITLEMENT_PENDING_CANCELLATION", "mp-1", null, null));
    assertTrue(f.listener().receiveMessage().active(), "served until the cancellation completes");
    f.applied(procurement("p6", "ENTITLEMENT_CANCELLATION_REVERTED", "mp-1", null, null));
    assertTrue(f.listener().receiveMessage().active());
    f.applied(procurement("p7", "ENTITLEMENT_CANCELLING", "mp-1", null, null));
    f.listener().receiveMessage();
    f.applied(procurement("p8", "ENTITLEMENT_CANCELLED", "mp-1", null, null));
    assertEquals(EntitlementState.CANCELLED, f.listener().receiveMessage().entitlement().state());
    f.applied(procurement("p9", "ENTITLEMENT_DELETED", "mp-1", null, null));
    Entitlements.Status deleted = f.check("acct-9");
    assertFalse(deleted.active());
    assertEquals(EntitlementState.DELETED, deleted.entitlement().state());
    assertEquals(9, f.store().page("acct-9", 0, 100).size());

    assertEquals("invalid_transition", assertInstanceOf(Entitlements.Rejected.class,
        f.apply(procurement("p10", "ENTITLEMENT_RENEWED", "mp-1", null, null))).reason());
  }

  @Test
  void informationalAndUnknownEventTypesAreRecordedAndAcknowledged() {
    Fixture f = fixture(REFUSE_UNKNOWN);
    f.applied(flat("t4", FlatActionType.GRANT, null, null));
    f.listener().receiveMessage();
    for (String type : List.of("ENTITLEMENT_OFFER_ACCEPTED", "ACCOUNT_CREATION_REQUESTED", "ACCOUNT_ACTIVE",
        "ENTITLEMENT_RENEWED")) {
      Entitlements.Applied applied = f.applied(procurement("i-" + type, type, "ent-t4", null, null));
      assertEquals("t4", applied.receipt().tenantId());
      assertEquals(EntitlementState.ACTIVE, applied.entitlement().state());
    }
    Entitlements.Applied unknown = f.applied(procurement("u1", "SOMETHING_NEW", "ent-t4", null, null));
    assertEquals("unknown_event_type:SOMETHING_NEW", unknown.receipt().reason());
    assertEquals("active", unknown.receipt().stateTo());
    // an unknown type for an entitlement nobody knows is still recorded, under its account
    Entitlements.Applied stray = f.applied(procurement("u2", "SOMETHING_NEW", "mp-x", null, "acct-x"));
    assertNull(stray.entitlement());
    assertEquals("acct-x", stray.receipt().tenantId());
    f.listener().expectNoMessage(Duration.ofMillis(50));
    assertEquals(new Entitlements.Status("acct-x", false, null), f.check("acct-x"));
  }

  @Test
  void eventsWithoutAnyTenantAreRejectedAsMissingFields() {
    Fixture f = fixture(REFUSE_UNKNOWN);
    Entitlements.Rejected rejected = assertInstanceOf(Entitlements.Rejected.class,
        f.apply(procurement("m1", "ENTITLEMENT_ACTIVE", null, null, null)));
    assertEquals("missing_required_fields", rejected.reason());
    assertEquals("missing_required_fields", assertInstanceOf(Entitlements.Rejected.class,
        f.apply(new EntitlementEvent.Flat(" ", "e", FlatActionType.GRANT, null, null, null, null))).reason());
    assertEquals("missing_required_fields", assertInstanceOf(Entitlements.Rejected.class,
        f.apply(new EntitlementEvent.Flat("t", "e", null, null, null, null, "no-action"))).reason(),
        "a flat event without an action is refused, not a crash");
    assertInstanceOf(Entitlements.Applied.class, f.apply(flat("t", FlatActionType.GRANT, "base", "after")),
        "and the actor still serves");
  }

  @Test
  void seedsAreGrantedOnceAndStateIsRebuiltFromTheLedgerAfterARestart() {
    EntitlementSettings seeded = new EntitlementSettings(true, List.of(
        new Entitlement("seed-1", "seed-seed-1", "enterprise", EntitlementState.ACTIVE, null, null),
        new Entitlement("seed-2", "seed-seed-2", "base", EntitlementState.ACTIVE, null, null)), 100);
    Fixture f = fixture(seeded);
    f.listener().awaitAssert(() -> {
      assertTrue(f.check("seed-1").active());
      assertEquals("enterprise", f.check("seed-1").sku());
      assertTrue(f.check("seed-2").active());
      return null;
    });
    f.applied(new EntitlementEvent.Flat("seed-2", "seed-seed-2", FlatActionType.SUSPEND, null, null, null, null));
    f.applied(flat("t5", FlatActionType.GRANT, "professional", null));
    long written = f.store().lastSeq();

    // a new incarnation on the same store: what it knows comes from the latest entitlement receipts
    testKit.stop(f.entitlements());
    Fixture restarted = withEntitlements(f.store(), f.ledger(), seeded);
    Entitlements.Status seed2 = restarted.check("seed-2");
    assertFalse(seed2.active(), "a suspended seed tenant is not granted again");
    assertEquals(EntitlementState.SUSPENDED, seed2.entitlement().state());
    assertEquals("professional", restarted.check("t5").sku());
    assertTrue(restarted.check("seed-1").active());
    assertEquals("active", restarted.applied(new EntitlementEvent.Flat("seed-2", "seed-seed-2",
        FlatActionType.RESUME, null, null, null, null)).receipt().stateTo());
    assertEquals(written + 1, f.store().lastSeq(), "no seed was written again");
  }

  @Test
  void unknownTenantsAreServedWhenConfiguredSo() {
    Fixture f = fixture(new EntitlementSettings(false, List.of(), 100));
    Entitlements.Status status = f.check("anyone");
    assertTrue(status.active());
    assertNull(status.sku());
  }
}
