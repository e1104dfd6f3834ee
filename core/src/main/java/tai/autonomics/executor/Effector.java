package tai.autonomics.executor;

import java.util.concurrent.CompletionStage;

/**
 * What one attempt of an action does to the outside world. An effector is shared by every worker, so it must be
 * thread-safe, and {@link #attempt} must not block: it starts the work and returns at once, the stage completing
 * on another thread (blocking work belongs on the executor's blocking dispatcher). A stage that completes
 * exceptionally counts as a permanent failure; an exception thrown by {@code attempt} itself fails the worker,
 * which the pool replaces.
 */
@FunctionalInterface
public interface Effector {

  CompletionStage<Result> attempt(Action action, int attempt);

  /** How one attempt ended. */
  sealed interface Result permits Succeeded, Failed {}

  /** {@code result} is what the governor and the result receipt are told, e.g. {@code scaled}. */
  record Succeeded(String result) implements Result {}

  /** {@code retryable}: the failure may be transient (5xx, timeout), so another attempt may succeed. */
  record Failed(String reason, boolean retryable) implements Result {}

  static Result succeeded(String result) {
    return new Succeeded(result);
  }

  static Result retryable(String reason) {
    return new Failed(reason, true);
  }

  static Result permanent(String reason) {
    return new Failed(reason, false);
  }
}
