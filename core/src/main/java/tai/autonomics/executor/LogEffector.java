package tai.autonomics.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the action to the log {@code tai.autonomics.executor.actions} and succeeds: for action types an operator
 * wants to see but not yet automate. The write runs on the blocking dispatcher because appenders may block on I/O.
 */
final class LogEffector implements Effector {
  private static final Logger LOG = LoggerFactory.getLogger("tai.autonomics.executor.actions");
  private final Executor blocking;

  LogEffector(Executor blocking) {
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Result> attempt(Action action, int attempt) {
    return CompletableFuture.supplyAsync(() -> {
      LOG.info("action {} for tenant {}: {} {} (attempt {})", action.id(), action.tenantId(), action.type(),
          action.params(), attempt);
      return Effector.succeeded("logged");
    }, blocking);
  }
}
