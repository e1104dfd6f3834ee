package tai.autonomics.executor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code autonomics.executor}, read once at start; a bad value fails the node at start-up with the key's name.
 *
 * @param poolSize workers always available
 * @param maxOverflow extra workers started under load, retired when idle
 * @param overflowIdleTimeout how long a worker beyond pool-size may stay idle before it is retired
 * @param queueCapacity actions waiting for a worker beyond which new ones fail at once as overloaded
 * @param checkoutTimeout longest wait for a worker before the action fails as pool_timeout
 * @param deadline longest an action may run, all attempts and backoffs included, before it fails as timeout
 * @param maxAttempts attempts per action, the first included
 * @param backoffMin wait before the second attempt; it doubles for each further attempt
 * @param backoffMax the longest wait between attempts
 * @param backoffJitter share (0 to 1) by which each wait is randomly shortened or lengthened
 * @param utilisationWindow how often the utilisation gauge is recomputed, over the window just ended
 * @param effectorByType effector kind (simulated, webhook, log) per action type
 * @param defaultEffector effector kind of types not listed
 */
public record ExecutorSettings(
    int poolSize,
    int maxOverflow,
    Duration overflowIdleTimeout,
    int queueCapacity,
    Duration checkoutTimeout,
    Duration deadline,
    int maxAttempts,
    Duration backoffMin,
    Duration backoffMax,
    double backoffJitter,
    Duration utilisationWindow,
    Map<String, String> effectorByType,
    String defaultEffector,
    Simulated simulated,
    Webhook webhook) {


  public ExecutorSettings {
    effectorByType = Map.copyOf(effectorByType);
    require(poolSize >= 1, "pool-size", "must be at least 1");
    require(maxOverflow >= 0, "max-overflow", "must not be negative");
    require(queueCapacity >= 0, "queue-capacity", "must not be negative");
    require(maxAttempts >= 1, "retry.max-attempts", "must be at least 1");
    require(backoffJitter >= 0 && backoffJitter <= 1, "retry.jitter", "must be between 0 and 1");
    require(!backoffMax.minus(backoffMin).isNegative(), "retry.backoff-max", "must not be below backoff-min");
    require(!utilisationWindow.isZero() && !utilisationWindow.isNegative(), "utilisation-window", "must be positive");
    require(Effectors.KINDS.contains(defaultEffector), "effectors.default", "must be one of " + Effectors.KINDS);
    effectorByType.forEach((type, kind) ->
        require(Effectors.KINDS.contains(kind), "effectors." + type, "must be one of " + Effectors.KINDS));
    boolean webhookUsed = defaultEffector.equals("webhook") || effectorByType.containsValue("webhook");
    require(!webhookUsed || webhook.url() != null, "webhook.url", "is required when an action type uses webhook");
    require(!webhookUsed || !webhook.secret().isEmpty(), "webhook.secret", "is required to sign webhook calls");
  }

  /** Workers the pool may run at once: the capacity utilisation is measured against. */
  public int maxWorkers() {
    return poolSize + maxOverflow;
  }

  /** The effector kind that runs {@code actionType}. */
  public String effectorFor(String actionType) {
    return effectorByType.getOrDefault(actionType, defaultEffector);
  }

  /**
   * The simulated effector: a latency drawn uniformly from [min, max] (min == max: fixed) and a share of attempts
   * that fail with a retryable error, per action type.
   */
  public record Simulated(Profile defaults, Map<String, Profile> byType) {
    public Simulated {
      byType = Map.copyOf(byType);
    }

    public Profile forType(String type) {
      return byType.getOrDefault(type, defaults);
    }
  }

  public record Profile(Duration latencyMin, Duration latencyMax, double failureRate) {
    public Profile {
      require(!latencyMin.isNegative(), "simulated.latency", "must not be negative");
      require(!latencyMax.minus(latencyMin).isNegative(), "simulated.latency-max", "must not be below latency");
      require(failureRate >= 0 && failureRate <= 1, "simulated.failure-rate", "must be between 0 and 1");
    }
  }

  /** The webhook effector; {@code url} is null when none is configured. */
  public record Webhook(URI url, String secret, Duration timeout, Duration connectTimeout) {}

  public static ExecutorSettings create(Config config) {
    Config executor = config.getConfig("autonomics.executor");
    Map<String, String> effectors = new HashMap<>();
    executor.getConfig("effectors").root().unwrapped().forEach((type, kind) -> effectors.put(type, kind.toString()));
    String defaultEffector = effectors.remove("default");
    Config retry = executor.getConfig("retry");
    return new ExecutorSettings(
        executor.getInt("pool-size"),
        executor.getInt("max-overflow"),
        executor.getDuration("overflow-idle-timeout"),
        executor.getInt("queue-capacity"),
        executor.getDuration("checkout-timeout"),
        executor.getDuration("deadline"),
        retry.getInt("max-attempts"),
        retry.getDuration("backoff-min"),
        retry.getDuration("backoff-max"),
        retry.getDouble("jitter"),
        executor.getDuration("utilisation-window"),
        effectors,
        defaultEffector == null ? "simulated" : defaultEffector,
        simulated(executor.getConfig("simulated")),
        webhook(executor.getConfig("webhook")));
  }

  private static Simulated simulated(Config simulated) {
    Config base = simulated.withoutPath("types");
    Map<String, Profile> byType = new HashMap<>();
    Config types = simulated.getConfig("types");
    for (String type : types.root().keySet()) {
      if (types.root().get(type).valueType() != ConfigValueType.OBJECT) {
        throw new ConfigException.BadValue("autonomics.executor.simulated.types." + type,
            "must be an object such as { latency = 5ms }");
      }
      // a type that sets only latency gets a fixed latency, not the default's maximum
      Config own = types.getConfig(type);
      Config fallback = own.hasPath("latency") ? base.withoutPath("latency-max") : base;
      byType.put(type, profile(own.withFallback(fallback)));
    }
    return new Simulated(profile(base), byType);
  }

  private static Profile profile(Config c) {
    Duration min = c.getDuration("latency");
    return new Profile(min, c.hasPath("latency-max") ? c.getDuration("latency-max") : min, c.getDouble("failure-rate"));
  }

  private static Webhook webhook(Config webhook) {
    String url = webhook.getString("url").trim();
    URI uri = null;
    if (!url.isEmpty()) {
      uri = URI.create(url);
      require(uri.getScheme() != null && uri.getScheme().matches("https?"), "webhook.url", "must be http(s)");
    }
    return new Webhook(uri, webhook.getString("secret"), webhook.getDuration("timeout"),
        webhook.getDuration("connect-timeout"));
  }

  private static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new ConfigException.BadValue("autonomics.executor." + key, problem);
    }
  }
}
