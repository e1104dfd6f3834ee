package tai.autonomics.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Makes the answer of an {@code AskPattern} ask safe to continue from outside an actor. The stage it returns
 * (Scala's future converter) runs even {@code thenApply} "async" on the JDK's common pool, which on a machine with
 * fewer than 3 cores starts a new thread for every continuation: one thread per request or signal, hundreds of
 * microseconds each. Continuing on a given executor (the actor system's dispatcher) avoids that.
 */
public final class AskAnswers {
  private AskAnswers() {}

  /** The same outcome as a plain {@link CompletableFuture} whose continuations run where their caller says. */
  public static <T> CompletableFuture<T> on(CompletionStage<T> answer, Executor executor) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    answer.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        plain.completeExceptionally(failure);
      } else {
        plain.complete(value);
      }
    }, executor);
    return plain;
  }
}
