package tai.autonomics.executor;

import tai.autonomics.CborSerializable;

/** How an action ended, told to the governor that asked for it. */
public sealed interface ActionOutcome extends CborSerializable {
  String actionId();

  record Completed(String actionId, String result, int attempts) implements ActionOutcome {}

  /** {@code reason}: timeout, pool_timeout, overloaded, failed (with detail), ... */
  record Failed(String actionId, String reason, int attempts) implements ActionOutcome {}
}
