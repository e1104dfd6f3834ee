package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

/**
 * The worker's path for effectors that answer within their call (zero latency, a refusal): the attempt ends without
 * a message to itself or a deadline timer, and its two receipts are appended as one batch. What must not change:
 * the chain holds attempt then result, the deadline still counts from the start once the action has to wait, and a
 * stage that failed at once is a permanent failure.
 */
class ActionWorkerTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ActionExecutorTest.PATIENT);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private record Pool(ActorRef<ActionExecutor.Command> ref, MemoryReceiptStore store) {
    Action send(String tenant, String type, TestProbe<ActionOutcome> outcomes) {
      Action action = ActionExecutorTest.action(tenant, type);
      ref.tell(new ActionExecutor.Execute(action, outcomes.getRef()));
      return action;
    }

    List<Receipt> receiptsOf(Action action) {
      return store.page(action.tenantId(), 0, 10_000).stream().filter(r -> action.id().equals(r.actionId())).toList();
    }
  }

  private static Pool pool(String overrides, Effectors effectors) {
    MemoryReceiptStore store = new MemoryReceiptStore();
    ActorRef<Ledger.Command> ledger = testKit.spawn(Ledger.create(store,
        LedgerSettings.create(ConfigFactory.parseString("autonomics.ledger.durability = off")
            .withFallback(ConfigFactory.load()))));
    return new Pool(testKit.spawn(ActionExecutor.create(ledger, ActionExecutorTest.settings(overrides),
        new SimpleMeterRegistry(), effectors)), store);
  }

  @Test
  void anAttemptAnsweredAtOnceWritesItsAttemptAndResultTogether() {
    Pool pool = pool("pool-size = 2, max-overflow = 0",
        Effectors.of((action, attempt) -> CompletableFuture.completedFuture(Effector.succeeded("scaled"))));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    List<Action> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(pool.send("at-once-" + (i % 3), "scale", outcomes));
    }
    outcomes.receiveSeveralMessages(50).forEach(outcome ->
        assertTrue(outcome instanceof ActionOutcome.Completed, "completed: " + outcome));
    eventually(() -> {
      for (Action action : sent) {
        List<Receipt> receipts = pool.receiptsOf(action);
        assertEquals(List.of(ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_RESULT),
            receipts.stream().map(Receipt::type).toList());
        // one batch: nothing of the tenant's chain, nor of the ledger, comes between them
        assertEquals(receipts.get(0).seq() + 1, receipts.get(1).seq());
        assertEquals(receipts.get(0).hash(), receipts.get(1).prevHash());
        assertEquals("completed", receipts.get(1).stateTo());
        assertTrue(receipts.get(0).timestamp() <= receipts.get(1).timestamp());
      }
    });
  }

  @Test
  void aStageThatFailedAtOnceIsAPermanentFailureNamingItsCause() {
    Pool pool = pool("pool-size = 1, max-overflow = 0", Effectors.of((action, attempt) ->
        CompletableFuture.<Effector.Result>failedFuture(new IllegalArgumentException("no such deployment"))));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    Action action = pool.send("failed-at-once", "rollback", outcomes);
    assertEquals(new ActionOutcome.Failed(action.id(), "effector_error: IllegalArgumentException", 1),
        outcomes.receiveMessage());
    eventually(() -> assertEquals(List.of(ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_RESULT),
        pool.receiptsOf(action).stream().map(Receipt::type).toList()));
  }

  @Test
  void aStageThatEndsLaterWithNullOrAFailureIsAPermanentFailureNamingItsCause() {
    Pool pool = pool("pool-size = 1, max-overflow = 0", Effectors.of((action, attempt) ->
        action.type().equals("scale")
            ? CompletableFuture.supplyAsync(() -> (Effector.Result) null)
            : CompletableFuture.supplyAsync(() -> {
              throw new IllegalStateException("deployment locked");
            })));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    Action answeredNull = pool.send("null-later", "scale", outcomes);
    assertEquals(new ActionOutcome.Failed(answeredNull.id(), "effector_error: NullPointerException", 1),
        outcomes.receiveMessage());
    Action failed = pool.send("failed-later", "rollback", outcomes);
    assertEquals(new ActionOutcome.Failed(failed.id(), "effector_error: IllegalStateException", 1),
        outcomes.receiveMessage());
  }

  @Test
  void theDeadlineCountsFromTheStartWhenTheFirstAttemptEndedAtOnce() {
    // attempt 1 fails at once and retryably, attempt 2 never answers: only the deadline can end the action
    ScriptedEffector effector = new ScriptedEffector((action, attempt) ->
        attempt == 1 ? Effector.retryable("http_503") : null);
    Pool pool = pool("pool-size = 1, max-overflow = 0, deadline = 1s,"
        + " retry { max-attempts = 3, backoff-min = 300ms, backoff-max = 300ms, jitter = 0 }", Effectors.of(effector));
    TestProbe<ActionOutcome> outcomes = testKit.createTestProbe();
    Action action = pool.send("late-deadline", "scale", outcomes);
    long first = awaitStart(effector).startedNanos();
    ScriptedEffector.Started second = awaitStart(effector);
    assertEquals(new ActionOutcome.Failed(action.id(), "timeout", 2), outcomes.receiveMessage(Duration.ofSeconds(10)));
    long ended = System.nanoTime();
    assertTrue(ended - first >= TimeUnit.SECONDS.toNanos(1), "not before the deadline");
    assertTrue(second.answer().isCancelled(), "the attempt still running is cancelled");
    eventually(() -> assertEquals(List.of(ReceiptType.ACTION_ATTEMPT, ReceiptType.ACTION_ATTEMPT,
        ReceiptType.ACTION_RESULT), pool.receiptsOf(action).stream().map(Receipt::type).toList()));
  }

  private static void eventually(Runnable check) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      check.run();
      return null;
    });
  }

  private static ScriptedEffector.Started awaitStart(ScriptedEffector effector) {
    try {
      return effector.next();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
