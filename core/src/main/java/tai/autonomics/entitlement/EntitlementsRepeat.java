package tai.autonomics.entitlement;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import tai.autonomics.entitlement.Entitlements.Apply;
import tai.autonomics.entitlement.Entitlements.Command;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * Whether an event given to {@link Entitlements} was seen before. The store's in-memory filters rule out almost
 * every new event id, so the store is read only for likely repeats: at once from memory, or on the blocking
 * dispatcher from a store that may wait for the disk, while the actor waits in its {@code checkingRepeat} state.
 * Used by that actor alone, on its thread.
 */
final class EntitlementsRepeat {

  /** The store's answer: {@code original} when the event was seen, {@code failure} when it could not be read. */
  record RepeatChecked(Apply apply, Receipt original, String failure) implements Command {}

  private final ActorContext<Command> context;
  private final ReceiptStore store;
  private final Executor blocking;
  private final BiFunction<Apply, Receipt, Behavior<Command>> duplicate;
  private final Function<Apply, Behavior<Command>> fresh;
  private final Supplier<Behavior<Command>> checking;
  private final Supplier<Behavior<Command>> next;

  /**
   * @param duplicate answers a repeat with its original receipt
   * @param fresh applies an event not seen before
   * @param checking the state that waits for the store's answer
   * @param next the state after an event answered without a write
   */
  EntitlementsRepeat(ActorContext<Command> context, ReceiptStore store, Executor blocking,
      BiFunction<Apply, Receipt, Behavior<Command>> duplicate, Function<Apply, Behavior<Command>> fresh,
      Supplier<Behavior<Command>> checking, Supplier<Behavior<Command>> next) {
    this.context = context;
    this.store = store;
    this.blocking = blocking;
    this.duplicate = duplicate;
    this.fresh = fresh;
    this.checking = checking;
    this.next = next;
  }

  /** {@code key} is the event's (null when it carries no id: then it is new). */
  Behavior<Command> check(Apply apply, MessageKey key) {
    if (key == null || !store.mayContainMessageId(key)) {
      return fresh.apply(apply);
    }
    if (!store.mayBlock()) {
      Receipt original = store.findByMessageId(key).orElse(null);
      return original != null ? duplicate.apply(apply, original) : fresh.apply(apply);
    }
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> store.findByMessageId(key), blocking),
        (original, failure) -> failure == null
            ? new RepeatChecked(apply, original.orElse(null), null)
            : new RepeatChecked(apply, null, "ledger_unavailable"));
    return checking.get();
  }

  Behavior<Command> onChecked(RepeatChecked checked) {
    if (checked.failure() != null) {
      context.getLog().warn("entitlement event not applied, the ledger could not be read: {}", checked.apply().event());
      checked.apply().replyTo().tell(new Entitlements.Unavailable(checked.failure()));
      return next.get();
    }
    return checked.original() != null
        ? duplicate.apply(checked.apply(), checked.original()) : fresh.apply(checked.apply());
  }
}
