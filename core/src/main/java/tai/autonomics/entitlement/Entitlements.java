package tai.autonomics.entitlement;

import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.Stash;

/**
 * Owns every tenant's entitlement (docs/API.md, Marketplace). It applies flat actions and Procurement events one at a
 * time: an event changes the entitlement only once its {@code entitlement} receipt is durable, so the ledger and
 * this actor never disagree; events arriving meanwhile wait in a bounded stash, while status checks are answered at
 * once. Every change is published on the node's {@link #changesTopic() changes topic}, where the subscribers (the
 * governors) are kept: a topic actor outlives a restart of this actor and reaches subscribers on every cluster node.
 *
 * <p>At start ({@link EntitlementsBoot}) it rebuilds its state from the ledger (a receipt carries the whole
 * entitlement); the committed state is in {@link EntitlementBook}, the repeat check in {@link EntitlementsRepeat},
 * the Marketplace decisions and the outbox of calls to Google in {@link EntitlementsMarketplace}.
 */
public final class Entitlements {

  public sealed interface Command extends CborSerializable
      permits Apply, Check, Subscribe, MarketplaceCommand, EntitlementsRepeat.RepeatChecked, Written, WriteFailed,
      EntitlementsBoot.Restored, EntitlementsExpiry.Due, EntitlementsExpiry.Ended {}

  /** Apply an entitlement event; the answer comes once its receipt is durable. */
  public record Apply(EntitlementEvent event, ActorRef<Result> replyTo) implements Command {}
  /** Is the tenant served, and on which SKU. */
  public record Check(String tenantId, ActorRef<Status> replyTo) implements Command {}

  /**
   * Tell {@code listener} the new status of a tenant whenever its entitlement changes, through this node's changes
   * topic (a listener on another node subscribes to its own node's, so a singleton that moves takes none along).
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
  /** Seen before, or asks for the state in effect (a retried grant): {@code receipt} is the one that made it so. */
  public record Duplicate(Receipt receipt) implements Result {}
  /** Refused: {@code invalid_transition} (409), {@code missing_required_fields} (400). Nothing was written. */
  public record Rejected(String reason, String detail) implements Result {}
  /** Could not be applied now ({@code overloaded}, {@code ledger_unavailable}); the sender may retry (503). */
  public record Unavailable(String reason) implements Result {}

  private record Written(Apply apply, Entitlement next, Receipt receipt) implements Command {}
  private record WriteFailed(Apply apply, String reason) implements Command {}

  /** The name of the topic the changes are published on; one topic actor per node carries it. */
  public static final String CHANGES_TOPIC = "entitlement-changes";

  /** The topic actor for {@link #CHANGES_TOPIC}: one per node, beside this actor so it outlives its restarts. */
  public static Behavior<Topic.Command<Status>> changesTopic() {
    return Topic.create(Status.class, CHANGES_TOPIC);
  }

  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ReceiptStore store,
      EntitlementSettings settings, ActorRef<Topic.Command<Status>> changes) {
    return create(ledger, store, settings, changes, MarketplaceWiring.none());
  }

  /** With Marketplace decisions (made when {@code marketplace} has a Procurement client) and offer ends. */
  public static Behavior<Command> create(ActorRef<Ledger.Command> ledger, ReceiptStore store,
      EntitlementSettings settings, ActorRef<Topic.Command<Status>> changes, MarketplaceWiring marketplace) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(settings.stashCapacity(),
        stash -> new Entitlements(context, timers, stash, ledger, store, settings, changes, marketplace).start())));
  }

  private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final ActorRef<Ledger.Command> ledger;
  private final ReceiptStore store;
  private final EntitlementSettings settings;
  private final EntitlementBook book;
  private final ActorRef<Topic.Command<Status>> changes;
  private final EntitlementsMarketplace marketplace;
  /** Where a store read that may wait for the disk runs: never on this actor's (the default) dispatcher. */
  private final Executor blocking;
  private final EntitlementsRepeat repeat;
  private final EntitlementsExpiry expiry;

  private Entitlements(ActorContext<Command> context, TimerScheduler<Command> timers, StashBuffer<Command> stash,
      ActorRef<Ledger.Command> ledger, ReceiptStore store, EntitlementSettings settings,
      ActorRef<Topic.Command<Status>> changes, MarketplaceWiring wiring) {
    this.context = context;
    this.stash = stash;
    this.ledger = ledger;
    this.store = store;
    this.settings = settings;
    this.book = new EntitlementBook(settings.refuseUnknownTenants(), settings.tiers(),
        wiring.settings().skuForPlan(), settings.seeds());
    this.changes = changes;
    this.marketplace = new EntitlementsMarketplace(context, book, ledger, store, wiring);
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.repeat = new EntitlementsRepeat(context, store, blocking, this::answerDuplicate, this::applyNew,
        this::checkingRepeat, this::nextEvent);
    this.expiry = new EntitlementsExpiry(context, timers, book, wiring.settings().offerEndGrace());
  }

  private Behavior<Command> start() {
    return EntitlementsBoot.start(context, stash, store, blocking, book, settings.seeds(), () -> {
      marketplace.restored();
      expiry.trackAll();
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
        .onMessage(MarketplaceCommand.class, marketplace::onCommand)
        .onMessage(EntitlementsExpiry.Due.class, expiry::onDue)
        .onMessage(EntitlementsExpiry.Ended.class, expiry::onEnded);
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
        .onMessage(EntitlementsRepeat.RepeatChecked.class, repeat::onChecked)
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
    return repeat.check(apply, book.keyOf(event));
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
      expiry.track(next);
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
    if (book.seedPending(check.tenantId())) {
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
