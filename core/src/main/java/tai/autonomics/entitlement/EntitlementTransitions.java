package tai.autonomics.entitlement;

import static tai.autonomics.entitlement.EntitlementState.ACTIVE;
import static tai.autonomics.entitlement.EntitlementState.CANCELLED;
import static tai.autonomics.entitlement.EntitlementState.DELETED;
import static tai.autonomics.entitlement.EntitlementState.PENDING;
import static tai.autonomics.entitlement.EntitlementState.PENDING_CANCELLATION;
import static tai.autonomics.entitlement.EntitlementState.PENDING_PLAN_CHANGE;
import static tai.autonomics.entitlement.EntitlementState.SUSPENDED;

import java.util.EnumSet;
import java.util.Set;

/**
 * The entitlement lifecycle as a pure function: what an event does to the current entitlement (null when it is
 * new). Kept apart from the actor so every transition is tested without one. An event that asks for the state the
 * entitlement is in (a retried grant, a second ENTITLEMENT_ACTIVE) is {@link Changed} to an equal entitlement: the
 * caller answers it with the receipt that made it so.
 */
public final class EntitlementTransitions {
  public static final String DEFAULT_SKU = "base";
  /**
   * Not Google's: the node's own event once it decided to approve a requested entitlement, carrying the SKU its plan
   * maps to in {@code newPlan}, so that Google's ENTITLEMENT_ACTIVE (which names no plan) serves that SKU.
   */
  public static final String PLAN_RESOLVED = "PLAN_RESOLVED";

  /**
   * Not Google's: the node's own event when the offer end time it knows (from entitlements.get) has passed. It ends
   * the entitlement as Google's ENTITLEMENT_OFFER_ENDED does, without waiting for that event.
   */
  public static final String OFFER_END_PASSED = "OFFER_END_PASSED";

  /** The node's own event types: never Google's, so the edge refuses them in anything it receives. */
  public static final Set<String> INTERNAL_EVENT_TYPES = Set.of(PLAN_RESOLVED, OFFER_END_PASSED);

  private EntitlementTransitions() {}

  /** Whether {@code eventType} (in any case) is one of the node's own, which only the node itself may apply. */
  public static boolean isInternal(String eventType) {
    return INTERNAL_EVENT_TYPES.contains(eventType.toUpperCase(java.util.Locale.ROOT));
  }

  /** The outcome of applying one event. */
  public sealed interface Outcome {}

  /** The entitlement becomes {@code next}; {@code label} names what happened in the receipt. */
  public record Changed(Entitlement next, String label) implements Outcome {}

  /** Nothing changes, but the event is recorded and acknowledged (unknown or informational types). */
  public record Recorded(String label) implements Outcome {}

  /** Not allowed in the current state (HTTP 409) or not understood (HTTP 400). */
  public record Rejected(String reason, String detail) implements Outcome {}

  public static Outcome apply(Entitlement current, EntitlementEvent event) {
    if (event instanceof EntitlementEvent.Flat flat) {
      return applyFlat(current, flat);
    }
    return applyProcurement(current, (EntitlementEvent.Procurement) event);
  }

  private static Outcome applyFlat(Entitlement current, EntitlementEvent.Flat flat) {
    EntitlementState from = current == null ? null : current.state();
    return switch (flat.action()) {
      case GRANT -> {
        if (from == ACTIVE && (flat.sku() == null || flat.sku().equals(current.sku()))) {
          yield new Changed(current, "grant");
        }
        if (from != null && from != PENDING && from != SUSPENDED) {
          yield invalid(flat.action().name(), from);
        }
        String sku = flat.sku() != null ? flat.sku() : current != null ? current.sku() : DEFAULT_SKU;
        String customer = flat.customerId() != null ? flat.customerId() : current == null ? null : current.customerId();
        yield new Changed(new Entitlement(flat.tenantId(), flat.entitlementId(), sku, ACTIVE, customer, null), "grant");
      }
      case SUSPEND -> move(current, flat.action().name(), EnumSet.of(ACTIVE, SUSPENDED), SUSPENDED, "suspend");
      case RESUME -> move(current, flat.action().name(), EnumSet.of(SUSPENDED, ACTIVE), ACTIVE, "resume");
      case REVOKE -> move(current, flat.action().name(), EnumSet.of(ACTIVE, SUSPENDED, CANCELLED), CANCELLED,
          "revoke");
    };
  }

  private static Outcome applyProcurement(Entitlement current, EntitlementEvent.Procurement event) {
    String type = event.eventType();
    return switch (type) {
      case "ENTITLEMENT_CREATION_REQUESTED" -> {
        if (current != null && current.state() == PENDING) {
          yield new Changed(current, type);
        }
        if (current != null && current.state() != CANCELLED && current.state() != DELETED) {
          yield invalid(type, current.state());
        }
        yield new Changed(fresh(event, PENDING), type);
      }
      case "ENTITLEMENT_ACTIVE" -> {
        if (current == null) {
          yield new Changed(fresh(event, ACTIVE), type);
        }
        yield move(current, type, EnumSet.of(PENDING, SUSPENDED, ACTIVE), ACTIVE, type);
      }
      case "ENTITLEMENT_PLAN_CHANGE_REQUESTED" -> {
        if (current == null || current.state() != ACTIVE) {
          yield invalid(type, current == null ? null : current.state());
        }
        yield new Changed(current.withState(PENDING_PLAN_CHANGE).withPlan(current.sku(), planOf(event, current)), type);
      }
      case "ENTITLEMENT_PLAN_CHANGED" -> {
        if (current == null || (current.state() != PENDING_PLAN_CHANGE && current.state() != ACTIVE)) {
          yield invalid(type, current == null ? null : current.state());
        }
        String sku = event.newPlan() != null ? event.newPlan()
            : current.pendingSku() != null ? current.pendingSku() : current.sku();
        yield new Changed(current.withState(ACTIVE).withPlan(sku, null), type);
      }
      case "ENTITLEMENT_PLAN_CHANGE_CANCELLED" -> {
        if (current == null || current.state() != PENDING_PLAN_CHANGE) {
          yield invalid(type, current == null ? null : current.state());
        }
        yield new Changed(current.withState(ACTIVE).withPlan(current.sku(), null), type);
      }
      case "ENTITLEMENT_PENDING_CANCELLATION", "ENTITLEMENT_CANCELLING" ->
          move(current, type, EnumSet.of(ACTIVE, PENDING_PLAN_CHANGE, PENDING_CANCELLATION), PENDING_CANCELLATION,
              type);
      case "ENTITLEMENT_CANCELLATION_REVERTED" -> move(current, type, EnumSet.of(PENDING_CANCELLATION), ACTIVE, type);
      case "ENTITLEMENT_CANCELLED" -> move(current, type,
          EnumSet.of(PENDING, ACTIVE, PENDING_PLAN_CHANGE, PENDING_CANCELLATION, SUSPENDED, CANCELLED), CANCELLED,
          type);
      case "ENTITLEMENT_DELETED", "ACCOUNT_DELETED" -> current == null
          ? new Recorded(type)
          : new Changed(current.withState(DELETED), type);
      // a renewal is worth its own receipt, not the answer of the one that activated the entitlement
      // and the offer's term changes with it: the end time known so far no longer holds, so it no longer ends the
      // entitlement (Google's ENTITLEMENT_OFFER_ENDED still does)
      case "ENTITLEMENT_RENEWED" -> current == null || current.state() != ACTIVE
          ? invalid(type, current == null ? null : current.state())
          : current.offerEndTime() != null ? new Changed(current.withOfferEnd(null), type + ": offer end time cleared")
          : new Recorded(type);
      case PLAN_RESOLVED -> current == null || current.state() != PENDING || event.newPlan() == null
          ? invalid(type, current == null ? null : current.state())
          : new Changed(current.withPlan(event.newPlan(), null).withOfferEnd(event.offerEndTime()), type);
      // the offer's term is over: the entitlement ends (an expiry), whatever state it served in
      case "ENTITLEMENT_OFFER_ENDED", OFFER_END_PASSED -> current == null ? new Recorded(type)
          : current.state() == CANCELLED || current.state() == DELETED ? new Changed(current, type)
          : new Changed(current.withState(CANCELLED), type + ": expired"
              + (type.equals(OFFER_END_PASSED) ? ", the offer ended at " + current.offerEndTime() : ""));
      // informational: an offer's acceptance and the account's state do not change what the tenant may use
      case "ENTITLEMENT_OFFER_ACCEPTED", "ACCOUNT_CREATION_REQUESTED", "ACCOUNT_ACTIVE" -> new Recorded(type);
      default -> new Recorded("unknown_event_type:" + type);
    };
  }

  private static String planOf(EntitlementEvent.Procurement event, Entitlement current) {
    return event.newPlan() != null ? event.newPlan() : current.sku();
  }

  private static Entitlement fresh(EntitlementEvent.Procurement event, EntitlementState state) {
    String sku = event.newPlan() != null ? event.newPlan() : DEFAULT_SKU;
    return new Entitlement(event.tenantId(), event.entitlementId(), sku, state, event.accountId(), null);
  }

  private static Outcome move(Entitlement current, String what, Set<EntitlementState> allowedFrom,
      EntitlementState to, String label) {
    if (current == null || !allowedFrom.contains(current.state())) {
      return invalid(what, current == null ? null : current.state());
    }
    return new Changed(current.withState(to), label);
  }

  private static Rejected invalid(String what, EntitlementState from) {
    return new Rejected("invalid_transition",
        what.toLowerCase(java.util.Locale.ROOT) + " is not allowed when the entitlement is "
            + (from == null ? "unknown" : from.wireName()));
  }
}
