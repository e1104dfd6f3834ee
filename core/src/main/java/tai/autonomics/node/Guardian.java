package tai.autonomics.node;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.entitlement.MarketplaceSettings;
import tai.autonomics.entitlement.MarketplaceWiring;
import tai.autonomics.procurement.Procurement;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.governor.Governor;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.policy.PolicyPacks;

/**
 * The root actor: spawns the ledger, entitlements, executor and governors, hands them to the edge, nothing else.
 * The store is opened by the caller before the actor system starts, so a node that cannot open it fails at once.
 */
public final class Guardian {

  /** Starts whatever the node exposes (HTTP in the node, nothing in actor-level tests). */
  @FunctionalInterface
  public interface Edge {
    void start(org.apache.pekko.actor.typed.ActorSystem<?> system, Node node);
  }

  private Guardian() {}

  public static Behavior<Void> create(NodeSettings settings, ReceiptStore store, PolicyPacks packs,
      MeterRegistry metrics, Edge edge) {
    return create(settings, store, packs, metrics, edge, Topology.local());
  }

  /** {@code topology} decides where entitlements and governors run: here, or spread over a cluster. */
  public static Behavior<Void> create(NodeSettings settings, ReceiptStore store, PolicyPacks packs,
      MeterRegistry metrics, Edge edge, Topology topology) {
    return Behaviors.setup(context -> {
      // a store that may block (RocksDB, PostgreSQL) keeps the Ledger off the default dispatcher; one in memory
      // never blocks, and the Ledger beside the governors on the default dispatcher spares each signal two hand-offs
      var ledger = context.spawn(
          Behaviors.supervise(Ledger.create(store, settings.ledger()))
              .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2)),
          "ledger",
          store.mayBlock()
              ? DispatcherSelector.fromConfig("autonomics.ledger.dispatcher")
                  .withMailboxFromConfig("autonomics.ledger.mailbox")
              : DispatcherSelector.defaultDispatcher());
      // the subscribers to entitlement changes live in this topic actor, which outlives restarts of Entitlements;
      // a restart keeps the children of the actor it runs in: a topology may have spawned some there (the cluster
      // singleton spawns its governor notifier), and Entitlements itself has none to leave behind
      var entitlementChanges = context.spawn(Entitlements.changesTopic(), Entitlements.CHANGES_TOPIC);
      var entitlements = topology.entitlements(context,
          Behaviors.supervise(Entitlements.create(ledger, store, settings.entitlements(), entitlementChanges,
                  new MarketplaceWiring(MarketplaceSettings.create(context.getSystem().settings().config()),
                      Procurement.get(context.getSystem()).client(), metrics)))
              .onFailure(SupervisorStrategy.restart().withStopChildren(false)));
      var executor = context.spawn(
          Behaviors.supervise(ActionExecutor.create(ledger, settings.executor(), metrics))
              .onFailure(SupervisorStrategy.restart()),
          "executor");
      var governors = topology.governors(context, entitlements,
          idle -> new Governor.Collaborators(entitlements, ledger, executor, packs, idle),
          settings.governor());
      edge.start(context.getSystem(),
          new Node(ledger, entitlements, executor, governors, store, packs, settings, metrics));
      return Behaviors.empty();
    });
  }
}
