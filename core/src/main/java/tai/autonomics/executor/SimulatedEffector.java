package tai.autonomics.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Touches nothing outside the process: each attempt takes a latency drawn from its type's profile and fails with
 * the profile's failure rate (retryably, like a transient outage). The latency is a delayed completion, not a
 * sleeping thread, so a slow simulated action costs a worker but no thread, as a remote call would. Nothing here
 * blocks: the completion (which only tells the worker) runs on the JDK's delay thread itself, saving a hand-off to
 * another pool per action. A zero latency completes at once, which is what overhead benchmarks measure.
 */
final class SimulatedEffector implements Effector {
  private static final Executor ON_DELAY_THREAD = Runnable::run;
  private final ExecutorSettings.Simulated settings;

  SimulatedEffector(ExecutorSettings.Simulated settings) {
    this.settings = settings;
  }

  @Override
  public CompletionStage<Result> attempt(Action action, int attempt) {
    ExecutorSettings.Profile profile = settings.forType(action.type());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Result result = profile.failureRate() > 0 && random.nextDouble() < profile.failureRate()
        ? Effector.retryable("simulated_failure")
        : Effector.succeeded(resultOf(action.type()));
    long min = profile.latencyMin().toNanos();
    long max = profile.latencyMax().toNanos();
    long latency = max > min ? random.nextLong(min, max + 1) : min;
    if (latency == 0) {
      return CompletableFuture.completedFuture(result);
    }
    return CompletableFuture.supplyAsync(() -> result,
        CompletableFuture.delayedExecutor(latency, TimeUnit.NANOSECONDS, ON_DELAY_THREAD));
  }

  /** The original worker's results; {@code scale_up}, what the original governor really sent, is a scale. */
  static String resultOf(String type) {
    return switch (type) {
      case "scale", "scale_up" -> "scaled";
      case "rollback" -> "rolled_back";
      case "throttle" -> "throttled";
      default -> "simulated";
    };
  }
}
