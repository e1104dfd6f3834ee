package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.EntitlementSettings;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorSettings;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * Governors, executor and ledger wired as the Guardian wires them, under bursts of act-level signals for several
 * tenants at once: the effector never sees two actions of one tenant at the same time, and each tenant's chain shows
 * every action's result before the governor leaves intervening.
 */
class OneActionPerGovernorTest {
  private static final List<String> TENANTS = List.of("t-1", "t-2", "t-3");
  private static final Config CONFIG = ConfigFactory.parseString("""
      autonomics.entitlements.seed = [
        { tenant-id = "t-1", sku = "base" }, { tenant-id = "t-2", sku = "base" }, { tenant-id = "t-3", sku = "base" }]
      autonomics.policy.packs.base.cooldown = 0s
      autonomics.ledger.durability = off
      autonomics.executor { pool-size = 2, max-overflow = 2 }
      """).withFallback(ConfigFactory.load());
  private static final ActorTestKit testKit = ActorTestKit.create(CONFIG);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A 20 ms effector that records, per tenant, the most attempts it ever ran at once. */
  private static final class ConcurrencyRecorder implements Effector {
    final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    final Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();
    final AtomicInteger attempts = new AtomicInteger();

    @Override
    public CompletableFuture<Result> attempt(Action action, int attempt) {
      attempts.incrementAndGet();
      int now = running.computeIfAbsent(action.tenantId(), t -> new AtomicInteger()).incrementAndGet();
      mostAtOnce.merge(action.tenantId(), now, Math::max);
      return CompletableFuture.supplyAsync(() -> {
        running.get(action.tenantId()).decrementAndGet();
        return Effector.succeeded("scaled");
      }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void eachGovernorHasAtMostOneActionInFlight() {
    MemoryReceiptStore store = new MemoryReceiptStore();
    ConcurrencyRecorder effector = new ConcurrencyRecorder();
    ActorRef<Ledger.Command> ledger = testKit.spawn(Ledger.create(store, LedgerSettings.create(CONFIG)));
    ActorRef<Entitlements.Command> entitlements =
        testKit.spawn(Entitlements.create(ledger, store, EntitlementSettings.create(CONFIG),
            testKit.spawn(Entitlements.changesTopic())));
    ActorRef<ActionExecutor.Command> executor = testKit.spawn(ActionExecutor.create(ledger,
        ExecutorSettings.create(CONFIG), new SimpleMeterRegistry(), Effectors.of(effector)));
    PolicyPacks packs = PolicyPacks.create(CONFIG);
    ActorRef<Governors.Command> governors = testKit.spawn(Governors.create(entitlements,
        idle -> new Governor.Collaborators(entitlements, ledger, executor, packs, idle),
        GovernorSettings.create(CONFIG)));

    TestProbe<StatusReply<Receipt>> replies = testKit.createTestProbe();
    for (String tenant : TENANTS) {
      // the seed grants are written asynchronously at start
      replies.awaitAssert(Duration.ofSeconds(5), () -> {
        governors.tell(new Governors.Deliver(tenant, new Governor.ProcessSignal(Signal.of(tenant, "cpu", 10),
            replies.getRef())));
        assertEquals("stable", replies.receiveMessage().getValue().stateTo());
        return null;
      });
    }
    for (int round = 0; round < 6; round++) {
      for (int i = 0; i < 8; i++) {
        for (String tenant : TENANTS) {
          governors.tell(new Governors.Deliver(tenant, new Governor.ProcessSignal(Signal.of(tenant, "cpu", 95),
              replies.getRef())));
        }
      }
      List<StatusReply<Receipt>> answered = replies.receiveSeveralMessages(8 * TENANTS.size(), Duration.ofSeconds(10));
      assertTrue(answered.stream().allMatch(StatusReply::isSuccess), "every signal is answered with its receipt");
    }

    for (String tenant : TENANTS) {
      assertEquals(1, effector.mostAtOnce.get(tenant), "actions at once for " + tenant);
      replies.awaitAssert(Duration.ofSeconds(5), () -> {
        assertChainShowsOneActionAtATime(store, tenant);
        return null;
      });
      ChainVerifier.Result verified = ChainVerifier.verifyTenant(store, tenant);
      assertTrue(verified.valid(), verified::problem);
    }
    assertTrue(effector.attempts.get() >= 6 * TENANTS.size(), "each round started an action per tenant");
  }

  /** Walks the chain: an action opens when the governor enters intervening and closes with its result receipt. */
  private static void assertChainShowsOneActionAtATime(MemoryReceiptStore store, String tenant) {
    Set<String> open = new HashSet<>();
    int actions = 0;
    String waitingFor = null;
    for (Receipt receipt : store.page(tenant, 0, 100_000)) {
      if (receipt.type() == ReceiptType.TRANSITION && "intervening".equals(receipt.stateTo())) {
        assertNotNull(receipt.actionId());
        open.add(receipt.actionId());
        waitingFor = receipt.actionId();
        actions++;
        assertEquals(1, open.size(), "a second action started before the first ended");
      } else if (receipt.type() == ReceiptType.ACTION_RESULT) {
        assertTrue(open.remove(receipt.actionId()), "a result for an action that was not in flight");
        assertEquals("scaled", receipt.reason());
      } else if (receipt.type() == ReceiptType.TRANSITION && "intervening".equals(receipt.stateFrom())) {
        assertTrue(open.isEmpty(), "the governor left intervening before action " + waitingFor + " ended");
      }
    }
    assertTrue(open.isEmpty(), "an action has no result receipt");
    assertTrue(actions >= 6, "actions for " + tenant + ": " + actions);
  }
}
