package tai.autonomics.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A test effector whose attempts the test controls: each attempt is recorded with its start time, and either
 * answered at once by {@code script} or (script returns null) left open until the test completes it.
 */
final class ScriptedEffector implements Effector {

  /** One attempt as the effector saw it. */
  record Started(Action action, int attempt, long startedNanos, CompletableFuture<Result> answer) {}

  private final LinkedBlockingQueue<Started> started = new LinkedBlockingQueue<>();
  private final BiFunction<Action, Integer, Result> script;

  ScriptedEffector(BiFunction<Action, Integer, Result> script) {
    this.script = script;
  }

  /** Every attempt stays open until the test answers it. */
  static ScriptedEffector gated() {
    return new ScriptedEffector((action, attempt) -> null);
  }

  @Override
  public CompletionStage<Result> attempt(Action action, int attempt) {
    Result scripted = script.apply(action, attempt);
    CompletableFuture<Result> answer = scripted == null ? new CompletableFuture<>()
        : CompletableFuture.completedFuture(scripted);
    started.add(new Started(action, attempt, System.nanoTime(), answer));
    return answer;
  }

  /** The next attempt started, waiting at most five seconds. */
  Started next() throws InterruptedException {
    Started next = started.poll(5, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("no attempt started within 5 s");
    }
    return next;
  }

  int startedSoFar() {
    return started.size();
  }
}
