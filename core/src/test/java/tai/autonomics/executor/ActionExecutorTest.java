package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/** The pool against scripted effectors and a real ledger: growth, queueing, timeouts, retries, failing workers. */
class ActionExecutorTest {
  /** Probes wait up to 10 s: the timings under test are bounded from below, a loaded machine only delays answers. */
  static final Config PATIENT = ConfigFactory.parseString(
      "pekko.actor.testkit.typed.single-expect-default = 10s").withFallback(ConfigFactory.load());
  private static final ActorTestKit testKit = ActorTestKit.create(PATIENT);
  private static final AtomicLong ids = new AtomicLong();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** One executor under test with its own ledger, store and registry. */
  private record Pool(ActorRef<ActionExecutor.Command> ref, MemoryReceiptStore store, MeterRegistry registry) {
    ActionExecutor.Status status() {
      TestProbe<ActionExecutor.Status> probe = testKit.createTestProbe();
      ref.tell(new ActionExecutor.GetStatus(probe.getRef()));
      return probe.receiveMessage();
    }

    List<Receipt> receipts(String tenant) {
      return store.page(tenant, 0, 10_000);
    }

    double count(String outcome) {
      var counter = registry.find("tai.executor.actions").tag("outcome", outcome).counter();
      return counter == null ? 0 : counter.count();
    }
  }

  /** Receipts are written after the outcome is told, so their checks wait for the ledger. */
  static void eventually(Runnable check) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      check.run();
      return null;
    });
  }

  static ExecutorSettings settings(String overrides) {
    Config config = ConfigFactory.parseString("autonomics.executor {" + overrides + "}")
        .withFallback(ConfigFactory.load());
    return ExecutorSettings.create(config);
  }

  private static Pool pool(String overrides, Effectors effectors) {
    MemoryReceiptStore store = new MemoryReceiptStore();
    ActorRef<Ledger.Command> ledger = testKit.spawn(Ledger.create(store,
        LedgerSettings.create(ConfigFactory.parseString("autonomics.ledger.durability = off")
            .withFallback(ConfigFactory.load()))));
    MeterRegistry registry = new SimpleMeterRegistry();
    return new Pool(testKit.spawn(ActionExecutor.create(ledger, settings(overrides), registry, effectors)), store,
        registry);
  }

  static Action action(String tenant, String type) {
    return new Action(String.format("%032x", ids.incrementAndGet()), tenant, type, Map.of("metric", "cpu"));
  }

  private static Action send(Pool pool, String tenant, String type, TestProbe<ActionOutcome> outcomes) {
    Action action = action(tenant, type);
    pool.ref().tell(new ActionExecutor.Execute(action, outcomes.getRef()));
    return action;
  }

  @Test
  void messagesThatMayCrossTheNetworkSerialise() {
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    testKit.serializationTestKit().verifySerialization(
        new ActionExecutor.Execute(action("wire", "scale"), outcomes.getRef()), true);
    testKit.serializationTestKit().verifySerialization(new ActionOutcome.Completed("a".repeat(32), "scaled", 2), true);
    testKit.serializationTestKit().verifySerialization(new ActionOutcome.Failed("a".repeat(32), "timeout", 3), true);
    testKit.serializationTestKit().verifySerialization(new ActionExecutor.Status(30, 3, 27, 0), true);
  }

  @Test
  void growsIntoOverflowUnderLoadAndRetiresIdleOverflowWorkers() throws Exception {
    ScriptedEffector effector = ScriptedEffector.gated();
    Pool pool = pool("pool-size = 2, max-overflow = 3, queue-capacity = 2, overflow-idle-timeout = 300ms",
        Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    assertEquals(new ActionExecutor.Status(2, 0, 2, 0), pool.status());

    List<ScriptedEffector.Started> running = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      send(pool, "grow", "scale", outcomes);
      running.add(effector.next());
    }
    assertEquals(new ActionExecutor.Status(5, 5, 0, 0), pool.status());
    send(pool, "grow", "scale", outcomes);
    send(pool, "grow", "scale", outcomes);
    assertEquals(new ActionExecutor.Status(5, 5, 0, 2), pool.status());
    Action refused = send(pool, "grow", "scale", outcomes);
    assertEquals(new ActionOutcome.Failed(refused.id(), "overloaded", 0), outcomes.receiveMessage());

    running.forEach(started -> started.answer().complete(Effector.succeeded("scaled")));
    effector.next().answer().complete(Effector.succeeded("scaled"));
    effector.next().answer().complete(Effector.succeeded("scaled"));
    for (int i = 0; i < 7; i++) {
      assertTrue(outcomes.receiveMessage() instanceof ActionOutcome.Completed);
    }
    outcomes.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(new ActionExecutor.Status(2, 0, 2, 0), pool.status());
      return null;
    });
    assertEquals(7, pool.count("completed"));
    assertEquals(1, pool.count("overloaded"));
    eventually(() -> {
      Receipt overloaded = pool.receipts("grow").stream()
          .filter(r -> refused.id().equals(r.actionId())).findFirst().orElseThrow();
      assertEquals(ReceiptType.ACTION_RESULT, overloaded.type());
      assertEquals("overloaded", overloaded.reason());
    });
  }

  @Test
  void waitingLongerThanTheCheckoutTimeoutFailsAsPoolTimeout() throws Exception {
    ScriptedEffector effector = ScriptedEffector.gated();
    Pool pool = pool("pool-size = 1, max-overflow = 0, checkout-timeout = 1s", Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    send(pool, "wait", "scale", outcomes);
    ScriptedEffector.Started first = effector.next();

    long queued = System.nanoTime();
    Action timedOut = send(pool, "wait", "scale", outcomes);
    assertEquals(new ActionOutcome.Failed(timedOut.id(), "pool_timeout", 0),
        outcomes.receiveMessage(Duration.ofSeconds(10)));
    assertTrue(System.nanoTime() - queued >= TimeUnit.SECONDS.toNanos(1));

    Action waits = send(pool, "wait", "scale", outcomes);
    first.answer().complete(Effector.succeeded("scaled"));
    ScriptedEffector.Started second = effector.next();
    assertEquals(waits.id(), second.action().id());
    second.answer().complete(Effector.succeeded("scaled"));
    assertTrue(outcomes.receiveMessage() instanceof ActionOutcome.Completed);
    assertTrue(outcomes.receiveMessage() instanceof ActionOutcome.Completed);

    var wait = pool.registry().find("tai.executor.queue.wait").timer();
    assertEquals(3, wait.count());
    assertTrue(wait.max(TimeUnit.MILLISECONDS) >= 1000, () -> "max wait " + wait.max(TimeUnit.MILLISECONDS));
    eventually(() -> {
      Receipt receipt = pool.receipts("wait").stream()
          .filter(r -> timedOut.id().equals(r.actionId())).findFirst().orElseThrow();
      assertEquals("pool_timeout", receipt.reason());
      assertEquals("queued", receipt.stateFrom());
    });
  }

  @Test
  void anActionPastItsDeadlineFailsAsTimeoutAndFreesItsWorker() throws Exception {
    ScriptedEffector effector = ScriptedEffector.gated();
    Pool pool = pool("pool-size = 1, max-overflow = 0, deadline = 1s", Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    Action slow = send(pool, "deadline", "rollback", outcomes);
    ScriptedEffector.Started started = effector.next();
    assertEquals(new ActionOutcome.Failed(slow.id(), "timeout", 1), outcomes.receiveMessage(Duration.ofSeconds(10)));
    assertTrue(System.nanoTime() - started.startedNanos() >= TimeUnit.SECONDS.toNanos(1));
    assertTrue(started.answer().isCancelled(), "the running attempt is cancelled");

    Action next = send(pool, "deadline", "rollback", outcomes);
    effector.next().answer().complete(Effector.succeeded("rolled_back"));
    assertEquals(new ActionOutcome.Completed(next.id(), "rolled_back", 1), outcomes.receiveMessage());
    assertEquals(1, pool.count("timeout"));
  }

  @Test
  void retryableFailuresAreRetriedWithBackoffAndOthersFailAtOnce() throws Exception {
    ScriptedEffector effector = new ScriptedEffector((action, attempt) -> switch (action.type()) {
      case "flaky" -> attempt < 3 ? Effector.retryable("http_503") : Effector.succeeded("scaled");
      case "down" -> Effector.retryable("http_503");
      default -> Effector.permanent("http_400");
    });
    Pool pool = pool("retry { max-attempts = 3, backoff-min = 100ms, backoff-max = 1s, jitter = 0.2 }",
        Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();

    Action flaky = send(pool, "retry", "flaky", outcomes);
    assertEquals(new ActionOutcome.Completed(flaky.id(), "scaled", 3), outcomes.receiveMessage(Duration.ofSeconds(10)));
    long first = effector.next().startedNanos();
    long second = effector.next().startedNanos();
    long third = effector.next().startedNanos();
    // 100 ms then 200 ms, each shortened by at most 20 % jitter
    assertTrue(second - first >= TimeUnit.MILLISECONDS.toNanos(80), "first backoff");
    assertTrue(third - second >= TimeUnit.MILLISECONDS.toNanos(160), "second backoff doubles");

    Action down = send(pool, "retry", "down", outcomes);
    assertEquals(new ActionOutcome.Failed(down.id(), "http_503", 3), outcomes.receiveMessage(Duration.ofSeconds(10)));
    Action rejected = send(pool, "retry", "bad", outcomes);
    assertEquals(new ActionOutcome.Failed(rejected.id(), "http_400", 1), outcomes.receiveMessage());

    eventually(() -> {
      List<Receipt> flakyReceipts = pool.receipts("retry").stream().filter(r -> flaky.id().equals(r.actionId()))
          .toList();
      assertEquals(List.of(ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_ATTEMPT,
          ReceiptType.ACTION_RESULT), flakyReceipts.stream().map(Receipt::type).toList());
      assertEquals(List.of(1, 2, 3, 3), flakyReceipts.stream().map(Receipt::attempts).toList());
      assertEquals("retry after http_503", flakyReceipts.get(1).reason());
      assertEquals("scaled", flakyReceipts.get(3).reason());
      assertEquals("completed", flakyReceipts.get(3).stateTo());
      assertEquals(List.of(ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_RESULT), pool.receipts("retry").stream()
          .filter(r -> rejected.id().equals(r.actionId())).map(Receipt::type).toList());
    });
    assertEquals(4, pool.registry().find("tai.executor.retries").counters().stream()
        .mapToDouble(c -> c.count()).sum());
  }

  @Test
  void aWorkerThatThrowsFailsOnlyItsActionAndIsReplaced() {
    Effector explode = (action, attempt) -> {
      throw new IllegalStateException("effector bug");
    };
    Pool pool = pool("pool-size = 2, max-overflow = 0",
        Effectors.of((action, attempt) -> CompletableFuture.completedFuture(Effector.succeeded("scaled")))
            .with("explode", explode));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    Action broken = send(pool, "crash", "explode", outcomes);
    assertEquals(new ActionOutcome.Failed(broken.id(), "worker_failed", 1), outcomes.receiveMessage());
    for (int i = 0; i < 4; i++) {
      Action fine = send(pool, "crash", "scale", outcomes);
      assertEquals(new ActionOutcome.Completed(fine.id(), "scaled", 1), outcomes.receiveMessage());
    }
    outcomes.awaitAssert(() -> {
      assertEquals(new ActionExecutor.Status(2, 0, 2, 0), pool.status());
      return null;
    });
    assertEquals(1, pool.count("worker_failed"));
    eventually(() -> assertTrue(pool.receipts("crash").stream().anyMatch(r -> broken.id().equals(r.actionId())
        && r.type() == ReceiptType.ACTION_RESULT && "worker_failed".equals(r.reason()))));
  }

  @Test
  void stoppingThePoolAnswersEveryActionItHolds() throws Exception {
    ScriptedEffector effector = ScriptedEffector.gated();
    Pool pool = pool("pool-size = 1, max-overflow = 0", Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    Action running = send(pool, "stop", "scale", outcomes);
    effector.next();
    Action waiting = send(pool, "stop", "scale", outcomes);
    assertEquals(1, pool.status().queued());
    testKit.stop(pool.ref());
    assertEquals(Set.of(new ActionOutcome.Failed(running.id(), "executor_stopped", 1),
        new ActionOutcome.Failed(waiting.id(), "executor_stopped", 0)),
        Set.copyOf(outcomes.receiveSeveralMessages(2)));
    assertTrue(pool.registry().find("tai.executor.queue.depth").gauge() == null,
        "a stopped pool leaves no gauges behind for a restarted one to collide with");
  }

  @Test
  void waitingActionsAreServedInArrivalOrder() throws Exception {
    ScriptedEffector effector = new ScriptedEffector((action, attempt) ->
        action.type().equals("gate") ? null : Effector.succeeded("scaled"));
    Pool pool = pool("pool-size = 1, max-overflow = 0", Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    send(pool, "fifo", "gate", outcomes);
    ScriptedEffector.Started gate = effector.next();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(send(pool, "fifo", "scale", outcomes).id());
    }
    gate.answer().complete(Effector.succeeded("opened"));
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      started.add(effector.next().action().id());
    }
    assertEquals(sent, started);
    outcomes.receiveSeveralMessages(201, Duration.ofSeconds(10));
  }

  @Test
  void aBurstLargerThanThePoolIsServedCompletelyWithoutTimeouts() {
    Effector oneMillisecond = (action, attempt) -> CompletableFuture.supplyAsync(() -> Effector.succeeded("scaled"),
        CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
    Pool pool = pool("pool-size = 2, max-overflow = 2, queue-capacity = 1000", Effectors.of(oneMillisecond));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    for (int i = 0; i < 1000; i++) {
      send(pool, "burst-" + (i % 10), "scale", outcomes);
    }
    List<ActionOutcome> ended = outcomes.receiveSeveralMessages(1000, Duration.ofSeconds(30));
    assertTrue(ended.stream().allMatch(o -> o instanceof ActionOutcome.Completed), "every action completed");
    assertEquals(1000, pool.count("completed"));
    var wait = pool.registry().find("tai.executor.queue.wait").timer();
    assertTrue(wait.max(TimeUnit.SECONDS) < 5, "no action waited up to the checkout timeout");
    assertEquals(0.0, pool.registry().find("tai.executor.queue.depth").gauge().value());
    assertTrue(pool.registry().find("tai.executor.busy").functionCounter().count() > 0);
    assertEquals(1000, pool.registry().find("tai.executor.action.duration").tag("type", "scale").timer()
        .count());
  }
}
