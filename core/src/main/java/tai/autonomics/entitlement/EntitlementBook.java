package tai.autonomics.entitlement;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * The committed entitlements, owned by the {@link Entitlements} actor: what an event would change, the receipt that
 * records it, and the change once that receipt is durable. Entitlements are keyed by entitlement id, and a tenant
 * (a Marketplace account) may hold several, one per order; the tenant is served on the highest active tier among
 * them. Each entitlement keeps the receipt that brought it into its state, the answer to a request that repeats that
 * state. Mutable, used by that actor alone.
 */
final class EntitlementBook {

  /** What an event does: rejected without a write, answered with a receipt written before, or to be written. */
  sealed interface Prepared {}

  record Refused(String reason, String detail) implements Prepared {}

  /** The event asks for the state the entitlement is in already: {@code receipt} made it so. */
  record InEffect(Receipt receipt) implements Prepared {}

  record ToWrite(Receipt draft, Entitlement next) implements Prepared {}

  /** An entitlement as committed and the receipt that brought it into its state. */
  private record Held(Entitlement entitlement, Receipt receipt) {}

  /** The key of an entitlement receipt's {@code inputs} that holds the offer end time. */
  static final String OFFER_END_TIME = "offer_end_time";

  private final boolean refuseUnknownTenants;
  /** SKU tiers, lowest first: of a tenant's entitlements the active one on the highest tier serves it. */
  private final List<String> tiers;
  private final Map<String, Held> byId = new HashMap<>();
  private final Map<String, Set<String>> idsByTenant = new HashMap<>();
  /** Google's plan names to SKUs: a Procurement event's plan is kept as the SKU it maps to. */
  private final Map<String, String> skuForPlan;

  /** The sign-up links no close followed, found at start, by job: their jobs resume ({@link OutboxSignUps}). */
  private final Map<String, Receipt> pendingSignUps = new LinkedHashMap<>();

  /** The seed tenants: a Check for one of them waits while its grant is being written. */
  private final Set<String> seedTenants;

  EntitlementBook(boolean refuseUnknownTenants, List<String> tiers) {
    this(refuseUnknownTenants, tiers, Map.of(), List.of());
  }

  EntitlementBook(boolean refuseUnknownTenants, List<String> tiers, Map<String, String> skuForPlan,
      List<Entitlement> seeds) {
    this.refuseUnknownTenants = refuseUnknownTenants;
    this.tiers = List.copyOf(tiers);
    this.skuForPlan = Map.copyOf(skuForPlan);
    this.seedTenants = seeds.stream().map(Entitlement::tenantId).collect(java.util.stream.Collectors.toSet());
  }

  /** A seed tenant whose grant is not committed yet (it is being written at start). */
  boolean seedPending(String tenantId) {
    return seedTenants.contains(tenantId) && !knows(tenantId);
  }

  /** The entitlements waiting for Google (a creation or a plan change requested), with their latest receipts. */
  List<Receipt> awaitingGoogle() {
    return byId.values().stream().filter(h -> awaitsGoogle(h.entitlement())).map(Held::receipt).toList();
  }

  /** Every committed entitlement (the expiry looks for those with an offer end). */
  List<Entitlement> all() {
    return byId.values().stream().map(Held::entitlement).toList();
  }

  static boolean awaitsGoogle(Entitlement entitlement) {
    return entitlement.state() == EntitlementState.PENDING
        || entitlement.state() == EntitlementState.PENDING_PLAN_CHANGE;
  }

  /** The tenant's entitlements, in the order they were first seen. */
  List<Entitlement> entitlementsOf(String tenantId) {
    return idsByTenant.getOrDefault(tenantId, Set.of()).stream().map(id -> byId.get(id).entitlement()).toList();
  }

  Entitlement entitlement(String entitlementId) {
    Held held = byId.get(entitlementId);
    return held == null ? null : held.entitlement();
  }

  /** The tenant a Procurement account's entitlements are bound to; the account id itself when it has none. */
  String tenantOfAccount(String accountId) {
    return byId.values().stream().map(Held::entitlement).filter(e -> accountId.equals(e.customerId()))
        .map(Entitlement::tenantId).findFirst().orElse(accountId);
  }

  /** Rebuilds the state from the latest entitlement receipts, which carry the whole entitlement; last seq wins. */
  void restore(List<Receipt> latest) {
    latest.stream().sorted(Comparator.comparingLong(Receipt::seq)).forEach(receipt -> {
      if (receipt.entitlementId() != null && receipt.stateTo() != null) {
        remember(new Entitlement(receipt.tenantId(), receipt.entitlementId(), receipt.sku(),
            EntitlementState.fromWireName(receipt.stateTo()), receipt.customerId(), receipt.pendingSku(),
            receipt.inputs() == null ? null : receipt.inputs().get(OFFER_END_TIME)), receipt);
      } else if (ProcurementReceipts.pendingSignUp(receipt)) {
        pendingSignUps.put(receipt.actionId(), receipt);
      } else if (ProcurementReceipts.closedSignUp(receipt)) {
        // a ledger written before sign-ups had slots of their own may hold a link and, in a later slot, its close
        pendingSignUps.remove(receipt.actionId());
      }
    });
  }

  List<Receipt> pendingSignUps() {
    return List.copyOf(pendingSignUps.values());
  }

  boolean knows(String tenantId) {
    return idsByTenant.containsKey(tenantId);
  }

  /** The tenant's serving entitlement: active before inactive, then the highest tier, then the latest. */
  Entitlements.Status statusOf(String tenantId) {
    Entitlement chosen = null;
    for (String id : idsByTenant.getOrDefault(tenantId, Set.of())) {
      Entitlement candidate = byId.get(id).entitlement();
      if (chosen == null || rank(candidate) >= rank(chosen)) {
        chosen = candidate;
      }
    }
    boolean active = chosen == null ? !refuseUnknownTenants : chosen.isActive();
    return new Entitlements.Status(tenantId, active, chosen);
  }

  private int rank(Entitlement entitlement) {
    return (entitlement.isActive() ? tiers.size() + 1 : 0) + tiers.indexOf(entitlement.sku());
  }

  /** The key a repeat of the event would have, or null when it carries no event id or names no tenant. */
  MessageKey keyOf(EntitlementEvent event) {
    String tenantId = tenantOf(event);
    return event.eventId() == null || tenantId == null ? null
        : new MessageKey(tenantId, providerOf(event), event.eventId());
  }

  /** An event not seen before: checked against its entitlement, and drafted as a receipt if allowed. */
  Prepared prepare(EntitlementEvent event) {
    String tenantId = tenantOf(event);
    if (tenantId == null || tenantId.isBlank()) {
      return new Refused("missing_required_fields", "the event names no tenant, entitlement or account");
    }
    String entitlementId = entitlementIdOf(event);
    Held held = entitlementId != null ? byId.get(entitlementId) : heldServing(tenantId);
    if (held != null && !held.entitlement().tenantId().equals(tenantId)) {
      return new Refused("invalid_transition", "entitlement " + entitlementId + " belongs to another tenant");
    }
    Entitlement current = held == null ? null : held.entitlement();
    EntitlementTransitions.Outcome outcome = EntitlementTransitions.apply(current, withTenant(event, tenantId));
    if (outcome instanceof EntitlementTransitions.Rejected rejected) {
      return new Refused(rejected.reason(), rejected.detail());
    }
    Entitlement next = outcome instanceof EntitlementTransitions.Changed changed ? changed.next() : current;
    if (outcome instanceof EntitlementTransitions.Changed && held != null && next.equals(current)) {
      return new InEffect(held.receipt());
    }
    String label = outcome instanceof EntitlementTransitions.Changed changed
        ? changed.label() : ((EntitlementTransitions.Recorded) outcome).label();
    Receipt draft = Receipt.draft(ReceiptType.ENTITLEMENT, tenantId)
        .states(current == null ? null : current.state().wireName(), next == null ? null : next.state().wireName())
        .reason(event instanceof EntitlementEvent.Flat flat && flat.reason() != null
            ? label + ": " + flat.reason() : label)
        .messageId(event.eventId())
        .providerId(providerOf(event))
        .entitlement(next == null ? entitlementId : next.entitlementId(), next == null ? null : next.sku())
        .entitlementDetails(next == null ? null : next.customerId(), next == null ? null : next.pendingSku())
        // the receipt carries the whole entitlement, its offer end too: the expiry is restored from it at start
        .inputs(next == null || next.offerEndTime() == null ? null : Map.of(OFFER_END_TIME, next.offerEndTime()))
        .build();
    return new ToWrite(draft, next);
  }

  /** The receipt of {@code next} is durable: true when that changed the entitlement. */
  boolean commit(Entitlement next, Receipt receipt) {
    Held held = next == null ? null : byId.get(next.entitlementId());
    if (next == null || held != null && next.equals(held.entitlement())) {
      return false;
    }
    remember(next, receipt);
    return true;
  }

  private void remember(Entitlement entitlement, Receipt receipt) {
    Held previous = byId.put(entitlement.entitlementId(), new Held(entitlement, receipt));
    String previousTenant = previous == null ? null : previous.entitlement().tenantId();
    if (previousTenant != null && !previousTenant.equals(entitlement.tenantId())) {
      // a ledger written before entitlements were keyed by id may move one to another tenant
      Set<String> ids = idsByTenant.get(previousTenant);
      ids.remove(entitlement.entitlementId());
      if (ids.isEmpty()) {
        idsByTenant.remove(previousTenant);
      }
    }
    idsByTenant.computeIfAbsent(entitlement.tenantId(), t -> new LinkedHashSet<>()).add(entitlement.entitlementId());
  }

  /** For an event without an entitlement id (an account's): the entitlement that serves the tenant. */
  private Held heldServing(String tenantId) {
    Entitlement serving = statusOf(tenantId).entitlement();
    return serving == null ? null : byId.get(serving.entitlementId());
  }

  private String tenantOf(EntitlementEvent event) {
    if (event instanceof EntitlementEvent.Flat flat) {
      return flat.tenantId();
    }
    EntitlementEvent.Procurement procurement = (EntitlementEvent.Procurement) event;
    Held bound = procurement.entitlementId() == null ? null : byId.get(procurement.entitlementId());
    if (bound != null) {
      return bound.entitlement().tenantId();
    }
    if (procurement.tenantId() != null) {
      return procurement.tenantId();
    }
    return procurement.accountId() != null ? procurement.accountId() : procurement.entitlementId();
  }

  private EntitlementEvent withTenant(EntitlementEvent event, String tenantId) {
    if (event instanceof EntitlementEvent.Procurement p) {
      String plan = p.newPlan() == null ? null : skuForPlan.getOrDefault(p.newPlan(), p.newPlan());
      return new EntitlementEvent.Procurement(p.eventId(), p.eventType(), p.providerId(), p.entitlementId(),
          plan, p.accountId(), tenantId, p.offerEndTime());
    }
    return event;
  }

  private static String entitlementIdOf(EntitlementEvent event) {
    return event instanceof EntitlementEvent.Flat flat
        ? flat.entitlementId() : ((EntitlementEvent.Procurement) event).entitlementId();
  }

  private static String providerOf(EntitlementEvent event) {
    return event instanceof EntitlementEvent.Procurement p ? p.providerId() : null;
  }
}
