package tai.autonomics.entitlement;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * The committed entitlements of every tenant, owned by the {@link Entitlements} actor: what an event would change,
 * the receipt that records it, and the change once that receipt is durable. Mutable, used by that actor alone.
 */
final class EntitlementBook {

  /** What an event does: rejected without a write, or to be written as {@code draft}, then {@code next}. */
  sealed interface Prepared {}

  record Refused(String reason, String detail) implements Prepared {}

  record ToWrite(Receipt draft, Entitlement next) implements Prepared {}

  private final boolean refuseUnknownTenants;
  private final Map<String, Entitlement> byTenant = new HashMap<>();
  private final Map<String, String> tenantByEntitlementId = new HashMap<>();

  EntitlementBook(boolean refuseUnknownTenants) {
    this.refuseUnknownTenants = refuseUnknownTenants;
  }

  /** Rebuilds the state from the latest entitlement receipt of each tenant, which carries the whole entitlement. */
  void restore(List<Receipt> latest) {
    for (Receipt receipt : latest) {
      if (receipt.entitlementId() != null && receipt.stateTo() != null) {
        remember(new Entitlement(receipt.tenantId(), receipt.entitlementId(), receipt.sku(),
            EntitlementState.fromWireName(receipt.stateTo()), receipt.customerId(), receipt.pendingSku()));
      }
    }
  }

  boolean knows(String tenantId) {
    return byTenant.containsKey(tenantId);
  }

  Entitlements.Status statusOf(String tenantId) {
    Entitlement entitlement = byTenant.get(tenantId);
    boolean active = entitlement == null ? !refuseUnknownTenants : entitlement.isActive();
    return new Entitlements.Status(tenantId, active, entitlement);
  }

  /** An event not seen before: checked against the tenant's entitlement, and drafted as a receipt if allowed. */
  Prepared prepare(EntitlementEvent event) {
    String tenantId = tenantOf(event);
    if (tenantId == null || tenantId.isBlank()) {
      return new Refused("missing_required_fields", "the event names no tenant, entitlement or account");
    }
    Entitlement current = byTenant.get(tenantId);
    EntitlementEvent bound = withTenant(event, tenantId);
    EntitlementTransitions.Outcome outcome = EntitlementTransitions.apply(current, bound);
    if (outcome instanceof EntitlementTransitions.Rejected rejected) {
      return new Refused(rejected.reason(), rejected.detail());
    }
    Entitlement next = outcome instanceof EntitlementTransitions.Changed changed ? changed.next() : current;
    String label = outcome instanceof EntitlementTransitions.Changed changed
        ? changed.label() : ((EntitlementTransitions.Recorded) outcome).label();
    Receipt draft = Receipt.draft(ReceiptType.ENTITLEMENT, tenantId)
        .states(current == null ? null : current.state().wireName(), next == null ? null : next.state().wireName())
        .reason(reasonOf(bound, label))
        .messageId(event.eventId())
        .entitlement(next == null ? entitlementIdOf(bound) : next.entitlementId(), next == null ? null : next.sku())
        .entitlementDetails(next == null ? null : next.customerId(), next == null ? null : next.pendingSku())
        .build();
    return new ToWrite(draft, next);
  }

  /** The receipt of {@code next} is durable: true when that changed the tenant's entitlement. */
  boolean commit(Entitlement next) {
    if (next == null || next.equals(byTenant.get(next.tenantId()))) {
      return false;
    }
    remember(next);
    return true;
  }

  private void remember(Entitlement entitlement) {
    byTenant.put(entitlement.tenantId(), entitlement);
    if (entitlement.entitlementId() != null) {
      tenantByEntitlementId.put(entitlement.entitlementId(), entitlement.tenantId());
    }
  }

  private String tenantOf(EntitlementEvent event) {
    if (event instanceof EntitlementEvent.Flat flat) {
      return flat.tenantId();
    }
    EntitlementEvent.Procurement procurement = (EntitlementEvent.Procurement) event;
    String bound = procurement.entitlementId() == null ? null : tenantByEntitlementId.get(procurement.entitlementId());
    if (bound != null) {
      return bound;
    }
    if (procurement.tenantId() != null) {
      return procurement.tenantId();
    }
    return procurement.accountId() != null ? procurement.accountId() : procurement.entitlementId();
  }

  private static EntitlementEvent withTenant(EntitlementEvent event, String tenantId) {
    if (event instanceof EntitlementEvent.Procurement p) {
      return new EntitlementEvent.Procurement(p.eventId(), p.eventType(), p.providerId(), p.entitlementId(),
          p.newPlan(), p.accountId(), tenantId);
    }
    return event;
  }

  private static String entitlementIdOf(EntitlementEvent event) {
    return event instanceof EntitlementEvent.Flat flat
        ? flat.entitlementId() : ((EntitlementEvent.Procurement) event).entitlementId();
  }

  private static String reasonOf(EntitlementEvent event, String label) {
    if (event instanceof EntitlementEvent.Flat flat && flat.reason() != null) {
      return label + ": " + flat.reason();
    }
    return label;
  }
}
