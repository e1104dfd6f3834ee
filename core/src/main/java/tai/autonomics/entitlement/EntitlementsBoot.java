package tai.autonomics.entitlement;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import tai.autonomics.entitlement.Entitlements.Apply;
import tai.autonomics.entitlement.Entitlements.Command;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * The first state of {@link Entitlements}: it rebuilds the committed state from the latest entitlement receipt of
 * each tenant, then grants the configured seed tenants that have none. From a store that may block, the read runs on
 * the blocking dispatcher, never on the actor's thread, and every message waits in the stash meanwhile.
 */
final class EntitlementsBoot {
  private EntitlementsBoot() {}

  /** The latest entitlement receipt of every tenant, read from the store at start; or why it could not be read. */
  record Restored(List<Receipt> latest, Throwable failure) implements Command {}

  static Behavior<Command> start(ActorContext<Command> context, StashBuffer<Command> stash, ReceiptStore store,
      Executor blocking, EntitlementBook book, List<Entitlement> seeds, Supplier<Behavior<Command>> idle,
      Function<Command, Behavior<Command>> stashOrRefuse) {
    if (!store.mayBlock()) {
      return restore(context, book, seeds, store.latestEntitlements(), idle);
    }
    context.pipeToSelf(CompletableFuture.supplyAsync(store::latestEntitlements, blocking), Restored::new);
    return restoring(context, stash, book, seeds, idle, stashOrRefuse);
  }

  // waits for the store's latest entitlement receipts; every message waits in the stash, so none is answered from
  // a state not yet restored
  private static Behavior<Command> restoring(ActorContext<Command> context, StashBuffer<Command> stash,
      EntitlementBook book, List<Entitlement> seeds, Supplier<Behavior<Command>> idle,
      Function<Command, Behavior<Command>> stashOrRefuse) {
    return Behaviors.receive(Command.class)
        .onMessage(Restored.class, restored -> {
          if (restored.failure() != null) {
            // no state without the ledger: fail, and the supervisor's restart reads it again
            throw new IllegalStateException("entitlements could not be read from the ledger", restored.failure());
          }
          return stash.unstashAll(restore(context, book, seeds, restored.latest(), idle));
        })
        .onAnyMessage(stashOrRefuse::apply)
        .build();
  }

  private static Behavior<Command> restore(ActorContext<Command> context, EntitlementBook book,
      List<Entitlement> seeds, List<Receipt> latest, Supplier<Behavior<Command>> idle) {
    book.restore(latest);
    for (Entitlement seed : seeds) {
      if (!book.knows(seed.tenantId())) {
        context.getSelf().tell(new Apply(new EntitlementEvent.Flat(seed.tenantId(), seed.entitlementId(),
            EntitlementEvent.FlatActionType.GRANT, seed.sku(), null, "seed", null), context.getSystem().ignoreRef()));
      }
    }
    return idle.get();
  }
}
