package tai.autonomics.entitlement;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.pubsub.Topic;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.Stash;
import tai.autonomics.procurement.ProcurementClient;

/**
 * Owns every tenant's entitlement (docs/API.md, Marketplace). It applies flat actions and Procurement events one at a
 * time: an event changes the entitlement only once its {@code entitlement} receipt is durable, so the ledger and
 * this actor never disagree; events arriving meanwhile wait in a bounded stash, while status checks are answered at
 * once from the committed state. Every change is published on the node's {@link #changesTopic() changes topic}.
 * The subscribers (the governors) are kept there, not here: a topic actor outlives a restart of this actor, so a
 * restart by its supervisor loses no subscriber, and Pekko's Topic reaches subscribers on every node of a cluster.
 *
 * <p>At start ({@link EntitlementsBoot}) it rebuilds its state from the ledger (a receipt carries the whole
 * entitlement, so a restart changes no answer); the committed state is in {@link EntitlementBook}. From a store that
 * may block, the rare read of a likely repeated event id runs on the blocking dispatcher, never on this thread.
 * The Marketplace decisions, and the outbox of calls to Google, are in {@link EntitlementsMarketplace}.
 */
public final class Entitlements {

  public sealed interface Command extends CborSerializable
      permits Apply, Check, Subscribe, MarketplaceCommand, RepeatChecked, Written, WriteFailed,
      EntitlementsBoot.Restored {}

  /** Apply an entitlement event; the answer comes once its receipt is durable. */
  public record Apply(EntitlementEvent event, ActorRef<Result> replyTo) implements Command {}

  /** Is the tenant served, and on which SKU. */
  public record Check(String tenantId, ActorRef<Status> replyTo) implements Command {}

  /**
   * Tell {@code listener} the new status of a tenant whenever its entitlement changes: it is subscribed to the
   * changes topic of this actor's node, where the subscription lives until the listener stops. A listener on
   * another node subscribes to its own node's topic instead, so a singleton that moves does not take it along.
   */
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

  /**
   * The event was seen before, or asks for a state already in effect (a retried grant, a repeated activation):
   * {@code receipt} is the one written then, the receipt that made it so.
   */
  public record Duplicate(Receipt receipt) implements Result {}

  /** Refused: {@code invalid_transition} (409), {@code missing_required_fields} (400). Nothing was written. */
  public record Rejected(String reason, String detail) implements Result {}

  /** Could not be applied now ({@code overloaded}, {@code ledger_unavailable}); the sender may retry (503). */
  public record Unavailable(String reason) implements Result {}

  /** The store's answer to whether the event's id was seen: {@code original} if so, {@code failure} if unreadable. */
  private record RepeatChecked(Apply apply, Receipt original, String failure) implements Command {}

  private record Written(Apply apply, Entitlement next, Receipt receipt) implements Command {}

  private record WriteFailed(Apply apply, String reason) implements Command {}

  /** The name of the topic the changes are published on; one topic actor per node carries it. */
  public static final String CHANGES_TOPIC = "entitlement-changes";

  /**
   * The topic actor for {@link #CHANGES_TOPIC}: spawn it once per node, beside (not below) this actor, so that it
   * outlives this actor's restarts, and give its ref to {@link #create}.
   */
  public static Behavior<Topic.Command<Status>> changesTopic() {
    return Topic.create(Status.class, CHANGES_TOPIC);
  }

  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ReceiptStore store,
      EntitlementSettings settings, ActorRef<Topic.Command<Status>> changes) {
    return create(ledger, store, settings, changes, MarketplaceSettings.defaults(), Optional.empty(),
        new SimpleMeterRegistry());
  }

  /** With Marketplace decisions: made through {@code client} when present (autonomics.procurement.enabled). */
  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ReceiptStore store,
      EntitlementSettings settings, ActorRef<Topic.Command<Status>> changes, MarketplaceSettings marketplace,
      Optional<ProcurementClient> client, MeterRegistry registry) {
    return Behaviors.setup(context -> Behaviors.withStash(settings.stashCapacity(), stash -> new Entitlements(
        context, stash, ledger, store, settings, changes, marketplace, client, registry).start()));
  }

  private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final ActorRef<Ledger.Command> ledger;
  private final ReceiptStore store;
  private final EntitlementSettings settings;
  /** The seed tenants, once: a Check for one of them waits while its grant is being written. */
  private final java.util.Set<String> seedTenants;
  private final EntitlementBook book;
  private final ActorRef<Topic.Command<Status>> changes;
  private final EntitlementsMarketplace marketplace;
  /** Where a store read that may wait for the disk runs: never on this actor's (the default) dispatcher. */
  private final Executor blocking;

  private Entitlements(ActorContext<Command> context, StashBuffer<Command> stash, ActorRef<Ledger.Command> ledger,
      ReceiptStore store, EntitlementSettings settings, ActorRef<Topic.Command<Status>> changes,
      MarketplaceSettings marketplaceSettings, Optional<ProcurementClient> client, MeterRegistry registry) {
    this.context = context;
    this.stash = stash;
    this.ledger = ledger;
    this.store = store;
    this.settings = settings;
    this.seedTenants = settings.seeds().stream().map(Entitlement::tenantId).collect(Collectors.toSet());
    this.book = new EntitlementBook(settings.refuseUnknownTenants(), settings.tiers(),
        marketplaceSettings.skuForPlan());
    this.changes = changes;
    this.marketplace = new EntitlementsMarketplace(context, book, ledger, store, marketplaceSettings, client,
        registry);
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  private Behavior<Command> start() {
    return EntitlementsBoot.start(context, stash, store, blocking, book, settings.seeds(), () -> {
      marketplace.restored();
      return idle();
    }, this::stashOrRefuse);
  }

  /** An event the full stash cannot keep is answered overloaded; anything else is dropped. */
  private Behavior<Command> stashOrRefuse(Command command) {
    Stash.stashOrRefuse(stash, command, full -> {
      if (full instanceof Apply apply) {
        apply.replyTo().tell(new Unavailable("overloaded"));
      } else {
        context.getLog().warn("dropped, stash full: {}", full);
      }
    });
    return Behaviors.same();
  }

  /** What every state answers at once: status checks, subscriptions, the Marketplace's questions. */
  private BehaviorBuilder<Command> answering() {
    return Behaviors.receive(Command.class)
        .onMessage(Check.class, this::onCheck)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(MarketplaceCommand.class, marketplace::onCommand);
  }

  // waits for the next event; nothing is being written
  private Behavior<Command> idle() {
    return answering()
        .onMessage(Apply.class, this::onApply)
        .build();
  }

  // waits for the store to say whether one event was seen before; other events wait in the stash
  private Behavior<Command> checkingRepeat() {
    return answering()
        .onMessage(Apply.class, this::stashOrRefuse)
        .onMessage(RepeatChecked.class, this::onRepeatChecked)
        .build();
  }

  // waits for the receipt of one event; other events wait in the stash
  private Behavior<Command> writing() {
    return answering()
        .onMessage(Apply.class, this::stashOrRefuse)
        .onMessage(Written.class, this::onWritten)
        .onMessage(WriteFailed.class, this::onWriteFailed)
        .build();
  }

  private Behavior<Command> onApply(Apply apply) {
    EntitlementEvent event = apply.event();
    if (event instanceof EntitlementEvent.Flat flat && flat.action() == null) {
      // the HTTP decoder refuses this too; a message from elsewhere (a cluster peer, a test) must not crash the actor
      apply.replyTo().tell(new Rejected("missing_required_fields", "a flat event needs an action"));
      return Behaviors.same();
    }
    // the store's in-memory filters rule out almost every new eventId, so the store is read only for likely repeats:
    // at once from memory, or on the blocking dispatcher from a store that may wait for the disk
    MessageKey key = book.keyOf(event);
    if (key != null && store.mayContainMessageId(key)) {
      if (!store.mayBlock()) {
        Receipt original = store.findByMessageId(key).orElse(null);
        return original != null ? answerDuplicate(apply, original) : applyNew(apply);
      }
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> store.findByMessageId(key), blocking),
          (original, failure) -> failure == null
              ? new RepeatChecked(apply, original.orElse(null), null)
              : new RepeatChecked(apply, null, "ledger_unavailable"));
      return checkingRepeat();
    }
    return applyNew(apply);
  }

  private Behavior<Command> onRepeatChecked(RepeatChecked checked) {
    if (checked.failure() != null) {
      context.getLog().warn("entitlement event not applied, the ledger could not be read: {}", checked.apply().event());
      checked.apply().replyTo().tell(new Unavailable(checked.failure()));
      return nextEvent();
    }
    return checked.original() != null
        ? answerDuplicate(checked.apply(), checked.original()) : applyNew(checked.apply());
  }

  private Behavior<Command> answerDuplicate(Apply apply, Receipt original) {
    apply.replyTo().tell(new Duplicate(original));
    return nextEvent();
  }

  /** After an event answered without a write: idle, and the events that waited meanwhile (if any) come first. */
  private Behavior<Command> nextEvent() {
    return stash.isEmpty() ? idle() : stash.unstashAll(idle());
  }

  /** An event not seen before: checked against the entitlement, then its receipt is written. */
  private Behavior<Command> applyNew(Apply apply) {
    EntitlementBook.Prepared prepared = book.prepare(apply.event());
    if (prepared instanceof EntitlementBook.Refused refused) {
      apply.replyTo().tell(new Rejected(refused.reason(), refused.detail()));
      return nextEvent();
    }
    if (prepared instanceof EntitlementBook.InEffect inEffect) {
      return answerDuplicate(apply, inEffect.receipt());
    }
    EntitlementBook.ToWrite write = (EntitlementBook.ToWrite) prepared;
    if (marketplace.full(apply.event(), write.next())) {
      apply.replyTo().tell(new Unavailable("overloaded"));
      return nextEvent();
    }
    context.askWithStatus(Receipt.class, ledger, LEDGER_TIMEOUT,
        replyTo -> new Ledger.Append(write.draft(), replyTo),
        (receipt, failure) -> failure == null
            ? new Written(apply, write.next(), receipt)
            : new WriteFailed(apply, "ledger_unavailable"));
    return writing();
  }

  private Behavior<Command> onWritten(Written written) {
    Entitlement next = written.next();
    if (book.commit(next, written.receipt())) {
      changes.tell(Topic.publish(book.statusOf(next.tenantId())));
    }
    marketplace.committed(written.apply().event(), next, written.receipt());
    written.apply().replyTo().tell(new Applied(written.receipt(), next));
    return stash.unstashAll(idle());
  }

  private Behavior<Command> onWriteFailed(WriteFailed failed) {
    context.getLog().warn("entitlement event not applied, its receipt could not be written: {}",
        failed.apply().event());
    failed.apply().replyTo().tell(new Unavailable(failed.reason()));
    return stash.unstashAll(idle());
  }

  private Behavior<Command> onCheck(Check check) {
    if (seedTenants.contains(check.tenantId()) && !book.knows(check.tenantId())) {
      // a seed granted at boot whose receipt is still being written: answered once it is, not as unknown before
      return stashOrRefuse(check);
    }
    check.replyTo().tell(book.statusOf(check.tenantId()));
    return Behaviors.same();
  }

  private Behavior<Command> onSubscribe(Subscribe subscribe) {
    changes.tell(Topic.subscribe(subscribe.listener()));
    return Behaviors.same();
  }
}
