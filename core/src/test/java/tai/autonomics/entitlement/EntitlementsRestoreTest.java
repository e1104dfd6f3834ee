package tai.autonomics.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.entitlement.EntitlementEvent.FlatActionType;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.RocksReceiptStore;

/**
 * Entitlements of a node stopped and started again over the same RocksDB directory (two actor systems in turn):
 * every tenant's entitlement after the restart equals the one before, customer and pending plan included, so the
 * same questions get the same answers and the same events are allowed.
 */
class EntitlementsRestoreTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final EntitlementSettings SETTINGS = new EntitlementSettings(true, List.of(), 100);
  private static final List<String> TENANTS = List.of("flat-active", "flat-suspended", "acct-plan", "acct-pending");

  @TempDir
  Path dir;

  /** One node's Entitlements over the store, in its own actor system. */
  private record Run(ActorTestKit testKit, ActorRef<Entitlements.Command> entitlements) {

    static Run start(String name, RocksReceiptStore store) {
      ActorTestKit testKit = ActorTestKit.create(name);
      ActorRef<Ledger.Command> ledger = testKit.spawn(Ledger.create(store,
          new LedgerSettings("rocksdb", Path.of("unused"), false, 4096, 100_000)));
      ActorRef<Entitlements.Command> entitlements = testKit.spawn(Entitlements.create(ledger, store, SETTINGS,
          testKit.spawn(Entitlements.changesTopic())));
      return new Run(testKit, entitlements);
    }

    Entitlements.Result apply(EntitlementEvent event) {
      TestProbe<Entitlements.Result> reply = testKit.createTestProbe();
      entitlements.tell(new Entitlements.Apply(event, reply.getRef()));
      return reply.receiveMessage(WAIT);
    }

    Receipt applied(EntitlementEvent event) {
      return assertInstanceOf(Entitlements.Applied.class, apply(event), event::toString).receipt();
    }

    Entitlements.Status check(String tenantId) {
      TestProbe<Entitlements.Status> reply = testKit.createTestProbe();
      entitlements.tell(new Entitlements.Check(tenantId, reply.getRef()));
      return reply.receiveMessage(WAIT);
    }

    Map<String, Entitlements.Status> checkAll() {
      Map<String, Entitlements.Status> answers = new LinkedHashMap<>();
      TENANTS.forEach(tenant -> answers.put(tenant, check(tenant)));
      return answers;
    }
  }

  private static EntitlementEvent.Flat flat(String tenant, FlatActionType action, String sku, String customer) {
    return new EntitlementEvent.Flat(tenant, "ent-" + tenant, action, sku, customer, null, null);
  }

  private static EntitlementEvent.Procurement procurement(String eventId, String type, String entitlementId,
      String newPlan, String accountId) {
    return new EntitlementEvent.Procurement(eventId, type, "provider-1", entitlementId, newPlan, accountId, null);
  }

  /** Every event each tenant could be sent next; the restart must not change which of them are allowed. */
  private static List<EntitlementEvent> probes(String tenant, String entitlementId) {
    List<EntitlementEvent> events = new ArrayList<>();
    for (FlatActionType action : FlatActionType.values()) {
      events.add(new EntitlementEvent.Flat(tenant, entitlementId, action, null, null, null, null));
    }
    for (String type : List.of("ENTITLEMENT_CREATION_REQUESTED", "ENTITLEMENT_ACTIVE",
        "ENTITLEMENT_PLAN_CHANGE_REQUESTED", "ENTITLEMENT_PLAN_CHANGED", "ENTITLEMENT_PLAN_CHANGE_CANCELLED",
        "ENTITLEMENT_PENDING_CANCELLATION", "ENTITLEMENT_CANCELLATION_REVERTED", "ENTITLEMENT_CANCELLED",
        "ENTITLEMENT_DELETED", "ENTITLEMENT_RENEWED")) {
      events.add(new EntitlementEvent.Procurement(null, type, "provider-1", entitlementId, null, null, tenant));
    }
    return events;
  }

  @Test
  void everyEntitlementIsTheSameAfterARestart() {
    Map<String, Entitlements.Status> before;
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      Run run = Run.start("entitlements-before", store);
      run.applied(flat("flat-active", FlatActionType.GRANT, "professional", "cust-1"));
      run.applied(flat("flat-suspended", FlatActionType.GRANT, null, "cust-2"));
      run.applied(flat("flat-suspended", FlatActionType.SUSPEND, null, null));
      run.applied(procurement("e1", "ENTITLEMENT_CREATION_REQUESTED", "mp-plan", "professional", "acct-plan"));
      run.applied(procurement("e2", "ENTITLEMENT_ACTIVE", "mp-plan", null, null));
      Receipt requested = run.applied(
          procurement("e3", "ENTITLEMENT_PLAN_CHANGE_REQUESTED", "mp-plan", "enterprise", null));
      assertEquals("acct-plan", requested.customerId());
      assertEquals("enterprise", requested.pendingSku());
      run.applied(procurement("e4", "ENTITLEMENT_CREATION_REQUESTED", "mp-pending", null, "acct-pending"));
      // informational: its receipt is the tenant's latest, so it too must carry the whole entitlement
      run.applied(procurement("e5", "ENTITLEMENT_OFFER_ACCEPTED", "mp-pending", null, null));
      before = run.checkAll();
      assertEquals("cust-2", before.get("flat-suspended").entitlement().customerId());
      assertEquals("enterprise", before.get("acct-plan").entitlement().pendingSku());
      run.testKit().shutdownTestKit();
    }

    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      Run run = Run.start("entitlements-after", store);
      assertEquals(before, run.checkAll());
      for (Entitlements.Status status : before.values()) {
        Entitlement entitlement = status.entitlement();
        for (EntitlementEvent event : probes(status.tenantId(), entitlement.entitlementId())) {
          // the restored entitlement decides every event as the one before did
          assertEquals(EntitlementTransitions.apply(entitlement, event),
              EntitlementTransitions.apply(run.check(status.tenantId()).entitlement(), event), event::toString);
        }
      }
      // the pending plan survived: the change completes to it although the event names no plan
      Receipt changed = run.applied(procurement("e6", "ENTITLEMENT_PLAN_CHANGED", "mp-plan", null, null));
      assertEquals("acct-plan", changed.tenantId(), "the entitlement id is still bound to its tenant");
      assertEquals("enterprise", changed.sku());
      assertNull(changed.pendingSku());
      assertEquals("acct-plan", changed.customerId());
      // the customer survived: a resume that names none keeps it
      Receipt resumed = run.applied(flat("flat-suspended", FlatActionType.RESUME, null, null));
      assertEquals("cust-2", resumed.customerId());
      assertEquals("active", resumed.stateTo());
      run.testKit().shutdownTestKit();
    }
  }

  @Test
  void aRepeatedEventIdIsFoundInTheStoreOffTheActorsThreadAndTheEventsBehindItKeepTheirOrder() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      Run run = Run.start("entitlements-repeats", store);
      Receipt created = run.applied(procurement("r1", "ENTITLEMENT_CREATION_REQUESTED", "mp-r", "base", "acct-r"));
      // the repeat is read from RocksDB on the blocking dispatcher; the events told behind it wait their turn
      TestProbe<Entitlements.Result> replies = run.testKit().createTestProbe();
      run.entitlements().tell(new Entitlements.Apply(
          procurement("r1", "ENTITLEMENT_CREATION_REQUESTED", "mp-r", "base", "acct-r"), replies.getRef()));
      run.entitlements().tell(new Entitlements.Apply(
          procurement("r2", "ENTITLEMENT_ACTIVE", "mp-r", null, null), replies.getRef()));
      run.entitlements().tell(new Entitlements.Apply(
          procurement("r1", "ENTITLEMENT_CREATION_REQUESTED", "mp-r", "base", "acct-r"), replies.getRef()));
      assertEquals(new Entitlements.Duplicate(created), replies.receiveMessage(WAIT));
      Receipt activated = assertInstanceOf(Entitlements.Applied.class, replies.receiveMessage(WAIT)).receipt();
      assertEquals("active", activated.stateTo());
      assertEquals(new Entitlements.Duplicate(created), replies.receiveMessage(WAIT));
      assertEquals(new Entitlements.Duplicate(activated),
          run.apply(procurement("r2", "ENTITLEMENT_ACTIVE", "mp-r", null, null)));
      assertTrue(run.check("acct-r").active());
      run.testKit().shutdownTestKit();
    }
  }
}
