package tai.autonomics.bench.support;

import tai.autonomics.node.AskAnswers;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * The core actors wired as the Guardian wires them (ledger on its own dispatcher, entitlements, executor,
 * governors), spawned into a benchmark's ActorTestKit, with a tap between governors and executor that notes when
 * each action's outcome is handed back (the moment the governor's postponed signals become due).
 */
public final class CoreHarness {
  public static final Duration ASK = Duration.ofSeconds(10);

  public final ActorSystem<Void> system;
  public final ActorRef<Ledger.Command> ledger;
  public final ActorRef<Entitlements.Command> entitlements;
  public final ActorRef<ActionExecutor.Command> executor;
  public final ActorRef<Governors.Command> governors;
  public final ReceiptStore store;
  public final OutcomeTap tap = new OutcomeTap();
  public final io.micrometer.core.instrument.MeterRegistry metrics =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  private CoreHarness(ActorTestKit testKit, Config config, ReceiptStore store, String suffix) {
    NodeSettings settings = NodeSettings.create(config);
    PolicyPacks packs = PolicyPacks.create(config);
    this.system = testKit.system();
    this.store = store;
    this.ledger = testKit.spawn(Ledger.create(store, settings.ledger()), "ledger-" + suffix,
        DispatcherSelector.fromConfig("autonomics.ledger.dispatcher"));
    // a topic per harness: topics of one name find each other, and each harness stands for a node of its own
    var changes = testKit.spawn(Topic.create(Entitlements.Status.class, "entitlement-changes-" + suffix),
        "entitlement-changes-" + suffix);
    this.entitlements = testKit.spawn(Entitlements.create(ledger, store, settings.entitlements(), changes),
        "entitlements-" + suffix);
    this.executor = testKit.spawn(ActionExecutor.create(ledger, settings.executor(), metrics), "executor-" + suffix);
    ActorRef<ActionExecutor.Command> tapped = testKit.spawn(tap.behavior(executor), "executor-tap-" + suffix);
    this.governors = testKit.spawn(Governors.create(entitlements,
        idle -> new Governor.Collaborators(entitlements, ledger, tapped, packs, idle), settings.governor()),
        "governors-" + suffix);
  }

  public static CoreHarness start(ActorTestKit testKit, Config config, ReceiptStore store, String suffix) {
    return new CoreHarness(testKit, config, store, suffix);
  }

  /** Asks the tenant's governor to decide a signal; completes with the receipt or fails with the error. */
  public CompletionStage<Receipt> signal(String tenant, String metric, double value, String messageId) {
    return AskAnswers.on(AskPattern.<Governors.Command, org.apache.pekko.pattern.StatusReply<Receipt>>ask(governors,
            replyTo -> new Governors.Deliver(tenant, new Governor.ProcessSignal(
                new Signal(tenant, metric, value, System.currentTimeMillis(), messageId), replyTo)),
            ASK, system.scheduler()), system.executionContext())
        .thenApply(reply -> {
          if (reply.isError()) {
            throw new IllegalStateException(reply.getError().getMessage());
          }
          return reply.getValue();
        });
  }

  public CompletionStage<Governor.View> state(String tenant) {
    return AskAnswers.on(AskPattern.ask(governors,
        replyTo -> new Governors.Deliver(tenant, new Governor.GetState(replyTo)), ASK, system.scheduler()),
        system.executionContext());
  }

  public CompletionStage<Entitlements.Result> grant(String tenant, String sku) {
    return AskAnswers.on(AskPattern.<Entitlements.Command, Entitlements.Result>ask(entitlements,
        replyTo -> new Entitlements.Apply(new EntitlementEvent.Flat(tenant,
        "ent-" + tenant, EntitlementEvent.FlatActionType.GRANT, sku, null, "bench", null), replyTo),
        ASK, system.scheduler()), system.executionContext());
  }

  public CompletionStage<Entitlements.Status> check(String tenant) {
    return AskAnswers.on(AskPattern.ask(entitlements, replyTo -> new Entitlements.Check(tenant, replyTo), ASK,
        system.scheduler()), system.executionContext());
  }

  /** Forwards Execute to the real executor and notes the time each outcome passes back to its governor. */
  public static final class OutcomeTap {
    private volatile long lastOutcomeNanos;
    private final java.util.concurrent.atomic.AtomicLong outcomes = new java.util.concurrent.atomic.AtomicLong();

    public long lastOutcomeNanos() {
      return lastOutcomeNanos;
    }

    public long outcomes() {
      return outcomes.get();
    }

    Behavior<ActionExecutor.Command> behavior(ActorRef<ActionExecutor.Command> executor) {
      return Behaviors.setup(context -> Behaviors.receive(ActionExecutor.Command.class)
          .onMessage(ActionExecutor.Execute.class, execute -> {
            ActorRef<ActionOutcome> back = context.spawnAnonymous(Behaviors.receive(ActionOutcome.class)
                .onAnyMessage(outcome -> {
                  lastOutcomeNanos = System.nanoTime();
                  outcomes.incrementAndGet();
                  execute.replyTo().tell(outcome);
                  return Behaviors.stopped();
                }).build());
            executor.tell(new ActionExecutor.Execute(execute.action(), back));
            return Behaviors.same();
          })
          .build());
    }
  }
}
