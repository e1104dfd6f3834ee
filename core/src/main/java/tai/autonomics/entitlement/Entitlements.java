package tai.autonomics.entitlement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;

/**
 * Owns every tenant's entitlement (DESIGN §7). It applies flat actions and Marketplace Procurement events one at a
 * time: an event changes the entitlement only once its {@code entitlement} receipt is durable, so the ledger and
 * this actor never disagree; events arriving meanwhile wait in a bounded stash, while status checks are answered at
 * once from the committed state. Subscribers (the governors) are told of every change.
 *
 * <p>At start it rebuilds its state from the latest entitlement receipt of each tenant and grants the configured
 * seed tenants that have none.
 */
public final class Entitlements {

  public sealed interface Command extends CborSerializable
      permits Apply, Check, Subscribe, Written, WriteFailed {}

  /** Apply an entitlement event; the answer comes once its receipt is durable. */
  public record Apply(EntitlementEvent event, ActorRef<Result> replyTo) implements Command {}

  /** Is the tenant served, and on which SKU. */
  public record Check(String tenantId, ActorRef<Status> replyTo) implements Command {}

  /** Tell {@code listener} the new status of a tenant whenever its entitlement changes. */
  public record Subscribe(ActorRef<Status> listener) implements Command {}

  /** A tenant's entitlement as now committed; {@code entitlement} is null for a tenant without one. */
  public record Status(String tenantId, boolean active, Entitlement entitlement) implements CborSerializable {
    public String sku() {
      return entitlement == null ? null : entitlement.sku();
    }
  }

  /** The answer to {@link Apply}. */
  public sealed interface Result extends CborSerializable {}

  /** Applied (or recorded, for informational events); the receipt is durable. */
  public record Applied(Receipt receipt, Entitlement entitlement) implements Result {}

  /** The event was seen before; {@code receipt} is the one written then. */
  public record Duplicate(Receipt receipt) implements Result {}

  /** Refused: {@code invalid_transition} (409), {@code missing_required_fields} (400). Nothing was written. */
  public record Rejected(String reason, String detail) implements Result {}

  /** Could not be applied now ({@code overloaded}, {@code ledger_unavailable}); the sender may retry (503). */
  public record Unavailable(String reason) implements Result {}

  private record Written(Apply apply, Entitlement next, Receipt receipt) implements Command {}

  private record WriteFailed(Apply apply, String reason) implements Command {}

  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ReceiptStore store,
      EntitlementSettings settings) {
    return Behaviors.setup(context -> Behaviors.withStash(settings.stashCapacity(),
        stash -> new Entitlements(context, stash, ledger, store, settings).start()));
  }

  private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final ActorRef<Ledger.Command> ledger;
  private final ReceiptStore store;
  private final EntitlementSettings settings;
  private final Map<String, Entitlement> byTenant = new HashMap<>();
  private final Map<String, String> tenantByEntitlementId = new HashMap<>();
  private final List<ActorRef<Status>> listeners = new ArrayList<>();

  private Entitlements(ActorContext<Command> context, StashBuffer<Command> stash, ActorRef<Ledger.Command> ledger,
      ReceiptStore store, EntitlementSettings settings) {
    this.context = context;
    this.stash = stash;
    this.ledger = ledger;
    this.store = store;
    this.settings = settings;
  }

  private Behavior<Command> start() {
    for (Receipt receipt : store.latestEntitlements()) {
      if (receipt.entitlementId() != null && receipt.stateTo() != null) {
        remember(new Entitlement(receipt.tenantId(), receipt.entitlementId(), receipt.sku(),
            EntitlementState.fromWireName(receipt.stateTo()), null, null));
      }
    }
    for (Entitlement seed : settings.seeds()) {
      if (!byTenant.containsKey(seed.tenantId())) {
        context.getSelf().tell(new Apply(new EntitlementEvent.Flat(seed.tenantId(), seed.entitlementId(),
            EntitlementEvent.FlatActionType.GRANT, seed.sku(), null, "seed", null), context.getSystem().ignoreRef()));
      }
    }
    return idle();
  }

  // waits for the next event; nothing is being written
  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Apply.class, this::onApply)
        .onMessage(Check.class, this::onCheck)
        .onMessage(Subscribe.class, this::onSubscribe)
        .build();
  }

  // waits for the receipt of one event; other events wait in the stash
  private Behavior<Command> writing() {
    return Behaviors.receive(Command.class)
        .onMessage(Apply.class, this::onApplyWhileWriting)
        .onMessage(Check.class, this::onCheck)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Written.class, this::onWritten)
        .onMessage(WriteFailed.class, this::onWriteFailed)
        .build();
  }

  private Behavior<Command> onApply(Apply apply) {
    EntitlementEvent event = apply.event();
    if (event.eventId() != null) {
      var original = store.findByMessageId(event.eventId());
      if (original.isPresent()) {
        apply.replyTo().tell(new Duplicate(original.get()));
        return Behaviors.same();
      }
    }
    String tenantId = tenantOf(event);
    if (tenantId == null || tenantId.isBlank()) {
      apply.replyTo().tell(new Rejected("missing_required_fields", "the event names no tenant, entitlement or account"));
      return Behaviors.same();
    }
    Entitlement current = byTenant.get(tenantId);
    EntitlementEvent bound = withTenant(event, tenantId);
    EntitlementTransitions.Outcome outcome = EntitlementTransitions.apply(current, bound);
    if (outcome instanceof EntitlementTransitions.Rejected rejected) {
      apply.replyTo().tell(new Rejected(rejected.reason(), rejected.detail()));
      return Behaviors.same();
    }
    Entitlement next = outcome instanceof EntitlementTransitions.Changed changed ? changed.next() : current;
    String label = outcome instanceof EntitlementTransitions.Changed changed
        ? changed.label() : ((EntitlementTransitions.Recorded) outcome).label();
    Receipt draft = Receipt.draft(ReceiptType.ENTITLEMENT, tenantId)
        .states(current == null ? null : current.state().wireName(), next == null ? null : next.state().wireName())
        .reason(reasonOf(bound, label))
        .messageId(event.eventId())
        .entitlement(next == null ? entitlementIdOf(bound) : next.entitlementId(), next == null ? null : next.sku())
        .build();
    context.askWithStatus(Receipt.class, ledger, LEDGER_TIMEOUT,
        replyTo -> new Ledger.Append(draft, replyTo),
        (receipt, failure) -> failure == null
            ? new Written(apply, next, receipt)
            : new WriteFailed(apply, "ledger_unavailable"));
    return writing();
  }

  private Behavior<Command> onApplyWhileWriting(Apply apply) {
    if (stash.isFull()) {
      apply.replyTo().tell(new Unavailable("overloaded"));
    } else {
      stash.stash(apply);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onWritten(Written written) {
    Entitlement next = written.next();
    Entitlement before = next == null ? null : byTenant.get(next.tenantId());
    if (next != null && !next.equals(before)) {
      remember(next);
      Status status = statusOf(next.tenantId());
      listeners.forEach(listener -> listener.tell(status));
    }
    written.apply().replyTo().tell(new Applied(written.receipt(), next));
    return stash.unstashAll(idle());
  }

  private Behavior<Command> onWriteFailed(WriteFailed failed) {
    context.getLog().warn("entitlement event not applied, its receipt could not be written: {}", failed.apply().event());
    failed.apply().replyTo().tell(new Unavailable(failed.reason()));
    return stash.unstashAll(idle());
  }

  private Behavior<Command> onCheck(Check check) {
    check.replyTo().tell(statusOf(check.tenantId()));
    return Behaviors.same();
  }

  private Behavior<Command> onSubscribe(Subscribe subscribe) {
    listeners.add(subscribe.listener());
    return Behaviors.same();
  }

  private Status statusOf(String tenantId) {
    Entitlement entitlement = byTenant.get(tenantId);
    boolean active = entitlement == null ? !settings.refuseUnknownTenants() : entitlement.isActive();
    return new Status(tenantId, active, entitlement);
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
