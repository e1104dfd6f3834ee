package tai.autonomics.governor;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;

/**
 * The governor's stash, where messages wait while it boots or while its action is in flight. It is bounded, and a
 * signal it cannot keep is answered with an error at once rather than left for its sender to time out. Static
 * functions over the actor's own {@link StashBuffer}, so an idle governor carries no extra object for it.
 */
final class GovernorStash {
  private GovernorStash() {}

  /** Stashes {@code message}; a full stash refuses a signal as overloaded and drops anything else. */
  static Behavior<Governor.Command> stashOrRefuse(StashBuffer<Governor.Command> stash, Governor.Command message,
      Logger log, String tenantId) {
    if (stash.isFull()) {
      if (message instanceof Governor.ProcessSignal signal) {
        signal.replyTo().tell(StatusReply.error(Governor.OVERLOADED));
      } else if (message instanceof Governor.GetState) {
        log.warn("governor {} stash full; state query dropped", tenantId);
      }
      return Behaviors.same();
    }
    stash.stash(message);
    return Behaviors.same();
  }

  /** Answers every stashed signal with {@code error} and empties the stash. */
  static void refuseAll(StashBuffer<Governor.Command> stash, String error) {
    stash.forEach(message -> {
      if (message instanceof Governor.ProcessSignal signal) {
        signal.replyTo().tell(StatusReply.error(error));
      }
    });
    stash.clear();
  }
}
