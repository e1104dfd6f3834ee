package tai.autonomics.executor;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code autonomics.executor}.
 *
 * @param poolSize workers always available
 * @param maxOverflow extra workers started under load, retired when idle
 * @param queueCapacity actions waiting for a worker beyond which new ones fail at once as overloaded
 * @param checkoutTimeout longest wait for a worker before the action fails as pool_timeout
 * @param deadline longest an action may run, all attempts included, before it fails as timeout
 * @param simulatedLatency latency of the simulated effector
 * @param simulatedFailureRate share of simulated attempts that fail (0 to 1)
 */
public record ExecutorSettings(
    int poolSize,
    int maxOverflow,
    int queueCapacity,
    Duration checkoutTimeout,
    Duration deadline,
    Duration simulatedLatency,
    double simulatedFailureRate) {

  public static ExecutorSettings create(Config config) {
    Config executor = config.getConfig("autonomics.executor");
    return new ExecutorSettings(
        executor.getInt("pool-size"),
        executor.getInt("max-overflow"),
        executor.getInt("queue-capacity"),
        executor.getDuration("checkout-timeout"),
        executor.getDuration("deadline"),
        executor.getDuration("simulated.latency"),
        executor.getDouble("simulated.failure-rate"));
  }
}
