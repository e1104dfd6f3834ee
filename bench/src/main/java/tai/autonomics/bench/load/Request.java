package tai.autonomics.bench.load;

import java.util.concurrent.CompletionStage;

/**
 * One request of a load run: sends it and completes with true for a success, false for an error. Implementations
 * never block the caller (HTTP {@code sendAsync}, actor ask) and always complete, with a timeout of their own, so a
 * run's bounded duration holds even when the system under test stops answering.
 */
@FunctionalInterface
public interface Request {
  CompletionStage<Boolean> send();
}
