package tai.autonomics.governor;

import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.governor.Governor.ClearQuarantine;
import tai.autonomics.governor.Governor.Command;
import tai.autonomics.governor.Governor.Pause;
import tai.autonomics.governor.Governor.Resume;

/**
 * The operator's controls as every serving state answers them (boot stashes them): pause and resume keep the
 * governor's state and change only whether act decisions run (KEDA's paused annotation, Argo Rollouts' pause);
 * clearing a quarantine is answered by the quarantined state itself, and refused elsewhere. Each control is a
 * receipt naming the operator, answered once durable.
 */
final class GovernorControls {
  static final String NOT_QUARANTINED = "not_quarantined";
  static final String PAUSED = "paused";
  static final String RESUMED = "resumed";
  static final String QUARANTINE_CLEARED = "quarantine_cleared";

  private GovernorControls() {}

  static boolean isControl(Command message) {
    return message instanceof Pause || message instanceof Resume || message instanceof ClearQuarantine;
  }

  /** Handles a control in {@code state}; {@code stay} is the state's behavior for the updated data. */
  static Behavior<Command> onControl(GovernorReceipts receipts, GovernorState state, GovernorData data,
      Command message, Function<GovernorData, Behavior<Command>> stay) {
    if (message instanceof Pause pause) {
      GovernorData paused = data.withMemory(data.memory().pausedBy(pause.by()));
      receipts.control(state, state, PAUSED, pause.by(), paused, pause.replyTo());
      return stay.apply(paused);
    } else if (message instanceof Resume resume) {
      GovernorData resumed = data.withMemory(data.memory().pausedBy(null));
      receipts.control(state, state, RESUMED, resume.by(), resumed, resume.replyTo());
      return stay.apply(resumed);
    } else if (message instanceof ClearQuarantine clear) {
      clear.replyTo().tell(StatusReply.error(NOT_QUARANTINED));
    }
    return Behaviors.same();
  }
}
