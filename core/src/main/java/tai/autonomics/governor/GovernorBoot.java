package tai.autonomics.governor;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.ledger.Ledger;

/**
 * A governor's first state: it asks for the tenant's entitlement and its ledger head, keeps every other message in
 * the governor's stash meanwhile, and hands both to {@link Governor#restored} once it has them. The replies carry
 * the incarnation (the {@link Governor} instance) that asked and are compared with it by identity: a reply to an
 * incarnation that has since failed is stale.
 */
final class GovernorBoot {

  /** What the signals that waited are answered when boot fails: the restarted governor does not keep them. */
  static final String UNAVAILABLE = "unavailable";

  record EntitlementLoaded(Entitlements.Status status, Governor incarnation) implements Governor.Command {}

  record HeadLoaded(Ledger.Head head, Governor incarnation) implements Governor.Command {}

  record BootFailed(String what, Governor incarnation) implements Governor.Command {}

  private final Governor incarnation;
  private final String tenantId;
  private final StashBuffer<Governor.Command> stash;

  private GovernorBoot(Governor incarnation, String tenantId, StashBuffer<Governor.Command> stash) {
    this.incarnation = incarnation;
    this.tenantId = tenantId;
    this.stash = stash;
  }

  static Behavior<Governor.Command> start(Governor incarnation, String tenantId, ActorContext<Governor.Command> context,
      StashBuffer<Governor.Command> stash, Governor.Collaborators collaborators, Duration timeout) {
    context.ask(Entitlements.Status.class, collaborators.entitlements(), timeout,
        replyTo -> new Entitlements.Check(tenantId, replyTo),
        (status, failure) -> status != null
            ? new EntitlementLoaded(status, incarnation) : new BootFailed("entitlement", incarnation));
    context.ask(Ledger.Head.class, collaborators.ledger(), timeout,
        replyTo -> new Ledger.GetHead(tenantId, replyTo),
        (head, failure) -> head != null
            ? new HeadLoaded(head, incarnation) : new BootFailed("ledger head", incarnation));
    return new GovernorBoot(incarnation, tenantId, stash).booting(null, null);
  }

  // waits for the entitlement and the ledger head; everything else is stashed
  private Behavior<Governor.Command> booting(Entitlements.Status status, Ledger.Head head) {
    return Behaviors.receive(Governor.Command.class)
        .onMessage(EntitlementLoaded.class, loaded -> loaded.incarnation() != incarnation
            ? Behaviors.same() : whenLoaded(loaded.status(), head))
        .onMessage(HeadLoaded.class, loaded -> loaded.incarnation() != incarnation
            ? Behaviors.same() : whenLoaded(status, loaded.head()))
        .onMessage(BootFailed.class, failed -> failed.incarnation() != incarnation
            ? Behaviors.same() : onBootFailed(failed))
        .onMessage(Governor.Stop.class, stop -> Behaviors.stopped())
        .onMessage(Governor.PassivateIfIdle.class, passivate -> Behaviors.same())
        .onMessage(Governor.Timer.class, timer -> Behaviors.same())
        .onAnyMessage(incarnation::stashOrRefuse)
        .build();
  }

  private Behavior<Governor.Command> whenLoaded(Entitlements.Status status, Ledger.Head head) {
    return status == null || head == null ? booting(status, head) : incarnation.restored(status, head);
  }

  private Behavior<Governor.Command> onBootFailed(BootFailed failed) {
    // the stash does not survive the restart: answer its signals now instead of leaving their senders to time out
    stash.forEach(message -> {
      if (message instanceof Governor.ProcessSignal signal) {
        signal.replyTo().tell(StatusReply.error(UNAVAILABLE));
      }
    });
    stash.clear();
    throw new IllegalStateException("governor " + tenantId + " could not load its " + failed.what());
  }
}
