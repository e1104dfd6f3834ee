package tai.autonomics.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static tai.autonomics.entitlement.EntitlementState.ACTIVE;
import static tai.autonomics.entitlement.EntitlementState.CANCELLED;
import static tai.autonomics.entitlement.EntitlementState.DELETED;
import static tai.autonomics.entitlement.EntitlementState.PENDING;
import static tai.autonomics.entitlement.EntitlementState.PENDING_CANCELLATION;
import static tai.autonomics.entitlement.EntitlementState.PENDING_PLAN_CHANGE;
import static tai.autonomics.entitlement.EntitlementState.SUSPENDED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.EntitlementEvent.FlatActionType;
import tai.autonomics.entitlement.EntitlementTransitions.Changed;
import tai.autonomics.entitlement.EntitlementTransitions.Outcome;
import tai.autonomics.entitlement.EntitlementTransitions.Recorded;
import tai.autonomics.entitlement.EntitlementTransitions.Rejected;

/**
 * The whole lifecycle matrix of docs/API.md (Marketplace): every flat action and every Procurement event type, from "no
 * entitlement" and from each of the seven states. A missing row in the expectation tables fails the test, so a new
 * state or event type cannot slip in untested.
 */
class EntitlementTransitionsTest {
  private static final EntitlementState NONE = null;

  /**
   * For each flat action: the states it is allowed from (null = no entitlement yet) and where it leads; from the
   * target itself it is a repeat, changed to an equal entitlement (answered with the receipt that made it so).
   */
  private static final Map<FlatActionType, Move> FLAT = Map.of(
      FlatActionType.GRANT, new Move(states(NONE, PENDING, SUSPENDED, ACTIVE), ACTIVE),
      FlatActionType.SUSPEND, new Move(states(ACTIVE, SUSPENDED), SUSPENDED),
      FlatActionType.RESUME, new Move(states(SUSPENDED, ACTIVE), ACTIVE),
      FlatActionType.REVOKE, new Move(states(ACTIVE, SUSPENDED, CANCELLED), CANCELLED));

  private static final List<EntitlementState> ALL = new ArrayList<>(Arrays.asList(EntitlementState.values()));

  static {
    ALL.add(NONE);
  }

  /** For each Procurement event type that changes the lifecycle: allowed-from states and the target. */
  private static final Map<String, Move> PROCUREMENT = Map.ofEntries(
      Map.entry("ENTITLEMENT_CREATION_REQUESTED", new Move(states(NONE, CANCELLED, DELETED, PENDING), PENDING)),
      Map.entry("ENTITLEMENT_ACTIVE", new Move(states(NONE, PENDING, SUSPENDED, ACTIVE), ACTIVE)),
      Map.entry("ENTITLEMENT_PLAN_CHANGE_REQUESTED", new Move(states(ACTIVE), PENDING_PLAN_CHANGE)),
      Map.entry("ENTITLEMENT_PLAN_CHANGED", new Move(states(PENDING_PLAN_CHANGE, ACTIVE), ACTIVE)),
      Map.entry("ENTITLEMENT_PLAN_CHANGE_CANCELLED", new Move(states(PENDING_PLAN_CHANGE), ACTIVE)),
      Map.entry("ENTITLEMENT_PENDING_CANCELLATION",
          new Move(states(ACTIVE, PENDING_PLAN_CHANGE, PENDING_CANCELLATION), PENDING_CANCELLATION)),
      Map.entry("ENTITLEMENT_CANCELLING",
          new Move(states(ACTIVE, PENDING_PLAN_CHANGE, PENDING_CANCELLATION), PENDING_CANCELLATION)),
      Map.entry("ENTITLEMENT_CANCELLATION_REVERTED", new Move(states(PENDING_CANCELLATION), ACTIVE)),
      Map.entry("ENTITLEMENT_CANCELLED", new Move(
          states(PENDING, ACTIVE, PENDING_PLAN_CHANGE, PENDING_CANCELLATION, SUSPENDED, CANCELLED), CANCELLED)));

  /** Informational types: recorded and acknowledged in every state, nothing changes. */
  private static final List<String> INFORMATIONAL =
      List.of("ENTITLEMENT_OFFER_ACCEPTED", "ACCOUNT_CREATION_REQUESTED", "ACCOUNT_ACTIVE");

  /** Deletions: from any existing state to deleted; for an unknown entitlement only recorded. */
  private static final List<String> DELETIONS = List.of("ENTITLEMENT_DELETED", "ACCOUNT_DELETED");

  private record Move(Set<EntitlementState> from, EntitlementState to) {}

  private static Set<EntitlementState> states(EntitlementState... states) {
    return new java.util.HashSet<>(Arrays.asList(states));
  }

  private static Entitlement in(EntitlementState state) {
    return state == null ? null : new Entitlement("t1", "e1", "professional", state, "c1",
        state == PENDING_PLAN_CHANGE ? "enterprise" : null);
  }

  private static EntitlementEvent.Flat flat(FlatActionType action, String sku) {
    return new EntitlementEvent.Flat("t1", "e1", action, sku, null, null, null);
  }

  private static EntitlementEvent.Procurement procurement(String type, String newPlan) {
    return new EntitlementEvent.Procurement("ev-1", type, "provider", "e1", newPlan, "acct-1", "t1");
  }

  @Test
  void everyFlatActionFromEveryState() {
    for (FlatActionType action : FlatActionType.values()) {
      Move move = FLAT.get(action);
      for (EntitlementState from : ALL) {
        Outcome outcome = EntitlementTransitions.apply(in(from), flat(action, null));
        String row = action + " from " + from;
        if (move.from().contains(from)) {
          assertEquals(move.to(), assertInstanceOf(Changed.class, outcome, row).next().state(), row);
          assertEquals(action.name().toLowerCase(java.util.Locale.ROOT), ((Changed) outcome).label());
        } else {
          assertRejected(outcome, row, action.name().toLowerCase(java.util.Locale.ROOT), from);
        }
      }
    }
  }

  @Test
  void aRequestForTheStateInEffectChangesNothing() {
    for (FlatActionType action : FlatActionType.values()) {
      Entitlement current = in(FLAT.get(action).to());
      assertEquals(current, assertInstanceOf(Changed.class,
          EntitlementTransitions.apply(current, flat(action, null))).next(), action.name());
    }
    assertEquals(in(ACTIVE), ((Changed) EntitlementTransitions.apply(in(ACTIVE),
        flat(FlatActionType.GRANT, "professional"))).next(), "a retried grant names the same plan");
    assertInstanceOf(Rejected.class, EntitlementTransitions.apply(in(ACTIVE), flat(FlatActionType.GRANT, "base")),
        "a grant of another plan to an active entitlement is no repeat");
    assertEquals(in(ACTIVE), ((Changed) EntitlementTransitions.apply(in(ACTIVE),
        procurement("ENTITLEMENT_ACTIVE", null))).next());
  }

  @Test
  void grantCreatesOnBaseByDefaultAndKeepsOrChangesTheSku() {
    Entitlement created = ((Changed) EntitlementTransitions.apply(null, flat(FlatActionType.GRANT, null))).next();
    assertEquals(new Entitlement("t1", "e1", "base", ACTIVE, null, null), created);
    Entitlement resumed = ((Changed) EntitlementTransitions.apply(in(SUSPENDED), flat(FlatActionType.GRANT, null)))
        .next();
    assertEquals("professional", resumed.sku());
    assertEquals("c1", resumed.customerId());
    Entitlement upgraded = ((Changed) EntitlementTransitions.apply(in(PENDING),
        flat(FlatActionType.GRANT, "enterprise"))).next();
    assertEquals("enterprise", upgraded.sku());
  }

  @Test
  void everyProcurementEventTypeFromEveryState() {
    for (Map.Entry<String, Move> entry : PROCUREMENT.entrySet()) {
      for (EntitlementState from : ALL) {
        Outcome outcome = EntitlementTransitions.apply(in(from), procurement(entry.getKey(), null));
        String row = entry.getKey() + " from " + from;
        if (entry.getValue().from().contains(from)) {
          Changed changed = assertInstanceOf(Changed.class, outcome, row);
          assertEquals(entry.getValue().to(), changed.next().state(), row);
          assertEquals(entry.getKey(), changed.label());
        } else {
          assertRejected(outcome, row, entry.getKey().toLowerCase(java.util.Locale.ROOT), from);
        }
      }
    }
    for (EntitlementState from : ALL) {
      // a renewal gets a receipt of its own, only for an active entitlement
      Outcome renewed = EntitlementTransitions.apply(in(from), procurement("ENTITLEMENT_RENEWED", null));
      if (from == ACTIVE) {
        assertEquals(new Recorded("ENTITLEMENT_RENEWED"), renewed);
      } else {
        assertRejected(renewed, "renewed from " + from, "entitlement_renewed", from);
      }
    }
    for (String type : INFORMATIONAL) {
      for (EntitlementState from : ALL) {
        assertEquals(new Recorded(type), EntitlementTransitions.apply(in(from), procurement(type, null)), type);
      }
    }
    for (String type : DELETIONS) {
      for (EntitlementState from : ALL) {
        Outcome outcome = EntitlementTransitions.apply(in(from), procurement(type, null));
        if (from == null) {
          assertEquals(new Recorded(type), outcome);
        } else {
          assertEquals(DELETED, assertInstanceOf(Changed.class, outcome).next().state(), type + " from " + from);
        }
      }
    }
  }

  @Test
  void everyDesignEventTypeIsCovered() {
    Set<String> design = Set.of("ENTITLEMENT_CREATION_REQUESTED", "ENTITLEMENT_ACTIVE",
        "ENTITLEMENT_PLAN_CHANGE_REQUESTED", "ENTITLEMENT_PLAN_CHANGED", "ENTITLEMENT_PLAN_CHANGE_CANCELLED",
        "ENTITLEMENT_PENDING_CANCELLATION", "ENTITLEMENT_CANCELLATION_REVERTED", "ENTITLEMENT_CANCELLING",
        "ENTITLEMENT_CANCELLED", "ENTITLEMENT_DELETED", "ENTITLEMENT_OFFER_ACCEPTED", "ENTITLEMENT_OFFER_ENDED",
        "ENTITLEMENT_RENEWED", "ACCOUNT_CREATION_REQUESTED", "ACCOUNT_ACTIVE", "ACCOUNT_DELETED");
    Set<String> tested = new java.util.HashSet<>(PROCUREMENT.keySet());
    tested.addAll(INFORMATIONAL);
    tested.addAll(DELETIONS);
    tested.add("ENTITLEMENT_RENEWED");
    tested.add("ENTITLEMENT_OFFER_ENDED");
    assertEquals(design, tested);
    assertEquals(EnumSet.allOf(FlatActionType.class), EnumSet.copyOf(FLAT.keySet()));
  }

  @Test
  void anEndedOfferExpiresTheEntitlementAndAResolvedPlanSetsThePendingSku() {
    for (EntitlementState from : List.of(PENDING, ACTIVE, PENDING_PLAN_CHANGE, PENDING_CANCELLATION, SUSPENDED)) {
      Changed ended = (Changed) EntitlementTransitions.apply(in(from), procurement("ENTITLEMENT_OFFER_ENDED", null));
      assertEquals(CANCELLED, ended.next().state(), "from " + from);
      assertEquals("ENTITLEMENT_OFFER_ENDED: expired", ended.label());
    }
    assertInstanceOf(EntitlementTransitions.Recorded.class,
        EntitlementTransitions.apply(null, procurement("ENTITLEMENT_OFFER_ENDED", null)));
    Changed resolved = (Changed) EntitlementTransitions.apply(in(PENDING),
        procurement(EntitlementTransitions.PLAN_RESOLVED, "enterprise"));
    assertEquals("enterprise", resolved.next().sku());
    assertEquals(PENDING, resolved.next().state());
    assertInstanceOf(EntitlementTransitions.Rejected.class,
        EntitlementTransitions.apply(in(ACTIVE), procurement(EntitlementTransitions.PLAN_RESOLVED, "enterprise")));
  }

  @Test
  void planChangesCarryTheNewPlanIntoTheSku() {
    Changed requested = (Changed) EntitlementTransitions.apply(in(ACTIVE),
        procurement("ENTITLEMENT_PLAN_CHANGE_REQUESTED", "enterprise"));
    assertEquals("professional", requested.next().sku(), "the current plan is served until the change completes");
    assertEquals("enterprise", requested.next().pendingSku());
    Changed changed = (Changed) EntitlementTransitions.apply(requested.next(),
        procurement("ENTITLEMENT_PLAN_CHANGED", null));
    assertEquals("enterprise", changed.next().sku(), "without newPlan the pending plan is taken");
    assertNull(changed.next().pendingSku());
    Changed explicit = (Changed) EntitlementTransitions.apply(in(ACTIVE), procurement("ENTITLEMENT_PLAN_CHANGED", "base"));
    assertEquals("base", explicit.next().sku());
    Changed cancelled = (Changed) EntitlementTransitions.apply(requested.next(),
        procurement("ENTITLEMENT_PLAN_CHANGE_CANCELLED", null));
    assertEquals("professional", cancelled.next().sku());
    assertNull(cancelled.next().pendingSku());
  }

  @Test
  void creationTakesThePlanAndTheAccount() {
    Changed created = (Changed) EntitlementTransitions.apply(null,
        procurement("ENTITLEMENT_CREATION_REQUESTED", "enterprise"));
    assertEquals(new Entitlement("t1", "e1", "enterprise", PENDING, "acct-1", null), created.next());
    Changed activeWithoutPlan = (Changed) EntitlementTransitions.apply(null, procurement("ENTITLEMENT_ACTIVE", null));
    assertEquals("base", activeWithoutPlan.next().sku());
  }

  @Test
  void unknownEventTypesAreRecordedNotRejected() {
    for (EntitlementState from : ALL) {
      assertEquals(new Recorded("unknown_event_type:ENTITLEMENT_TELEPORTED"),
          EntitlementTransitions.apply(in(from), procurement("ENTITLEMENT_TELEPORTED", null)));
    }
  }

  @Test
  void servedStatesAreActivePendingPlanChangeAndPendingCancellation() {
    for (EntitlementState state : EntitlementState.values()) {
      boolean served = state == ACTIVE || state == PENDING_PLAN_CHANGE || state == PENDING_CANCELLATION;
      assertEquals(served, state.isActive(), state::name);
      assertEquals(state, EntitlementState.fromWireName(state.wireName()));
    }
  }

  private static void assertRejected(Outcome outcome, String row, String what, EntitlementState from) {
    Rejected rejected = assertInstanceOf(Rejected.class, outcome, row);
    assertEquals("invalid_transition", rejected.reason(), row);
    assertEquals(what + " is not allowed when the entitlement is " + (from == null ? "unknown" : from.wireName()),
        rejected.detail());
  }
}
