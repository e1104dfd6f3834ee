package tai.autonomics.executor;

import tai.autonomics.CborSerializable;

/** How an action ended, told to the governor that asked for it. */
public sealed interface ActionOutcome extends CborSerializable {
  String actionId();

  record Completed(String actionId, String result, int attempts) implements ActionOutcome {}

  /**
   * {@code reason}: the pool's ({@code overloaded}, {@code pool_timeout}, {@code worker_failed},
   * {@code executor_stopped}), the deadline's ({@code timeout}), or the last attempt's effector reason
   * ({@code http_422}, {@code http_503}, {@code webhook_timeout}, {@code webhook_unreachable},
   * {@code simulated_failure}, ...). {@code attempts} is 0 when the action never ran.
   */
  record Failed(String actionId, String reason, int attempts) implements ActionOutcome {}
}
