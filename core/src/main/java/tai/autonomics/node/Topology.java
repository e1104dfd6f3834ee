package tai.autonomics.node;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorSettings;
import tai.autonomics.governor.Governors;

/**
 * Where the per-tenant actors live. A single node spawns Entitlements and Governors as the guardian's children
 * ({@link #local()}); cluster mode (the cluster module) puts entitlements in a cluster singleton and governors in
 * Cluster Sharding, behind refs of the same protocols, so nothing at the edge changes.
 */
public interface Topology {

  /** Starts the entitlements actor ({@code behavior} comes supervised) and returns the ref to send it commands. */
  ActorRef<Entitlements.Command> entitlements(ActorContext<?> context, Behavior<Entitlements.Command> behavior);

  /** Starts whatever routes {@link Governors.Command}s to the tenants' governors. */
  ActorRef<Governors.Command> governors(ActorContext<?> context, ActorRef<Entitlements.Command> entitlements,
      Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators, GovernorSettings settings);

  /** One node: both are children of the guardian. */
  static Topology local() {
    return new Topology() {
      @Override
      public ActorRef<Entitlements.Command> entitlements(ActorContext<?> context,
          Behavior<Entitlements.Command> behavior) {
        return context.spawn(behavior, "entitlements");
      }

      @Override
      public ActorRef<Governors.Command> governors(ActorContext<?> context,
          ActorRef<Entitlements.Command> entitlements,
          Function<ActorRef<Governor.Idle>, Governor.Collaborators> collaborators, GovernorSettings settings) {
        return context.spawn(Governors.create(entitlements, collaborators, settings), "governors");
      }
    };
  }
}
