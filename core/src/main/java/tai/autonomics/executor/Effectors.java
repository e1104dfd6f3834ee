package tai.autonomics.executor;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/** The effector of each action type, built once from {@code autonomics.executor.effectors}. */
public final class Effectors {
  /** The kinds {@code autonomics.executor.effectors} may name: each is built in {@link #create}. */
  public static final Set<String> KINDS = Set.of("simulated", "webhook", "log");

  private final Map<String, Effector> byType;
  private final Effector fallback;

  private Effectors(Map<String, Effector> byType, Effector fallback) {
    this.byType = Map.copyOf(byType);
    this.fallback = fallback;
  }

  /** Every type runs {@code effector}; {@link #with} overrides single types (tests and embedders use this). */
  public static Effectors of(Effector effector) {
    return new Effectors(Map.of(), effector);
  }

  public Effectors with(String type, Effector effector) {
    Map<String, Effector> copy = new HashMap<>(byType);
    copy.put(type, effector);
    return new Effectors(copy, fallback);
  }

  /** As configured, on the dispatcher effectors run blocking or callback work on. */
  public static Effectors create(ExecutorSettings settings, ActorSystem<?> system) {
    return create(settings, system.dispatchers().lookup(
        DispatcherSelector.fromConfig("autonomics.executor.blocking-dispatcher")));
  }

  /** One instance per configured kind, shared by the types that use it (a webhook client is built once). */
  public static Effectors create(ExecutorSettings settings, Executor blocking) {
    Map<String, Effector> kinds = new HashMap<>();
    kinds.put("simulated", new SimulatedEffector(settings.simulated()));
    kinds.put("log", new LogEffector(blocking));
    if (settings.webhook().url() != null) {
      kinds.put("webhook", new WebhookEffector(settings.webhook(), blocking));
    }
    Map<String, Effector> byType = new HashMap<>();
    settings.effectorByType().forEach((type, kind) -> byType.put(type, kinds.get(kind)));
    return new Effectors(byType, kinds.get(settings.defaultEffector()));
  }

  public Effector forType(String type) {
    return byType.getOrDefault(type, fallback);
  }
}
