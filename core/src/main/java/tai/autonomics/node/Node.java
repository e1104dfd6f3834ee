package tai.autonomics.node;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.typed.ActorRef;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.policy.PolicyPacks;

/**
 * The running subsystems of a node, as the edge (HTTP, benchmarks, tests) reaches them: actor refs for commands,
 * the receipt store for reads that need no actor hop, and the metrics registry every subsystem reports to (the
 * HTTP node exposes it at /metrics).
 */
public record Node(
    ActorRef<Ledger.Command> ledger,
    ActorRef<Entitlements.Command> entitlements,
    ActorRef<ActionExecutor.Command> executor,
    ActorRef<Governors.Command> governors,
    ReceiptStore store,
    PolicyPacks packs,
    NodeSettings settings,
    MeterRegistry metrics) {}
