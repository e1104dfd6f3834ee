package tai.autonomics.executor;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Reads an effector's answer to an attempt as an {@link Effector.Result}, whatever way the attempt ended. */
final class EffectorResults {

  private EffectorResults() {}

  /** The result of a completed stage; one that failed, or was cancelled, counts as a permanent failure. */
  static Effector.Result of(CompletableFuture<Effector.Result> done) {
    try {
      // the stage is done, so join only reads it: nothing waits on this thread
      Effector.Result result = done.join();
      return result != null ? result : failedBy(new NullPointerException("effector answered null"));
    } catch (CompletionException | CancellationException e) {
      return failedBy(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
    }
  }

  /**
   * The result of a stage that completed later (as {@code pipeToSelf} hands it over): its value, else its failure
   * (unwrapped, so it names the same cause as a stage that failed at once), else a null answer, which is a failure.
   */
  static Effector.Result of(Effector.Result result, Throwable failure) {
    if (result != null) {
      return result;
    }
    if (failure == null) {
      return failedBy(new NullPointerException("effector answered null"));
    }
    boolean wrapped = failure instanceof CompletionException && failure.getCause() != null;
    return failedBy(wrapped ? failure.getCause() : failure);
  }

  static Effector.Result failedBy(Throwable failure) {
    return Effector.permanent("effector_error: " + failure.getClass().getSimpleName());
  }
}
