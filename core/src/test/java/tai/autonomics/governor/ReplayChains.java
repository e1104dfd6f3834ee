package tai.autonomics.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.entitlement.Entitlement;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.executor.ActionOutcome;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * Writes chains of mixed decisions with real governors on a real ledger (for {@link GovernorReplayTest} and
 * {@link ReplayBenchmark}): per tenant a seeded random walk over values in every band of its pack, stale and invalid
 * signals, pauses, restarts, actions completed, and cooldowns that pass (manual time, after an action or while
 * they hold something back) or not. A tenant whose id ends in 2, 5, 8 runs on {@code drymix}, the others on {@code mixed}.
 */
final class ReplayChains {
  private static final GovernorSettings SETTINGS = new GovernorSettings(100, 10, Duration.ofSeconds(5),
      Duration.ZERO, Duration.ofSeconds(2), 3, Duration.ofMinutes(1));

  private final ActorTestKit testKit;
  private final ManualTime manualTime;
  private final MemoryReceiptStore store;
  private final ActorRef<Ledger.Command> ledger;
  private final PolicyPacks packs;
  private long signalsSent;

  ReplayChains(ActorTestKit testKit, MemoryReceiptStore store, ActorRef<Ledger.Command> ledger, PolicyPacks packs) {
    this.testKit = testKit;
    this.manualTime = ManualTime.get(testKit.system());
    this.store = store;
    this.ledger = ledger;
    this.packs = packs;
  }

  /** {@code tenants} chains of {@code signals} steps each, by tenant id. */
  Map<String, List<Receipt>> write(String prefix, int tenants, int signals, long seed) {
    Random random = new Random(seed);
    Map<String, List<Receipt>> chains = new LinkedHashMap<>();
    for (int t = 0; t < tenants; t++) {
      Tenant tenant = new Tenant(prefix + t, t % 3 == 2 ? "drymix" : "mixed");
      for (int i = 0; i < signals; i++) {
        tenant.next(random);
      }
      chains.put(tenant.id, store.page(tenant.id, 0, Integer.MAX_VALUE));
    }
    return chains;
  }

  long signalsSent() {
    return signalsSent;
  }

  /** One governor whose signals are a seeded random walk over every kind of decision. */
  private final class Tenant {
    final String id;
    final String sku;
    final TestProbe<Entitlements.Command> entitlements = testKit.createTestProbe();
    final TestProbe<ActionExecutor.Command> executor = testKit.createTestProbe();
    final TestProbe<Governor.Idle> parent = testKit.createTestProbe();
    ActorRef<Governor.Command> governor;
    long clock = System.currentTimeMillis();
    boolean paused;

    Tenant(String id, String sku) {
      this.id = id;
      this.sku = sku;
      start();
    }

    void start() {
      governor = testKit.spawn(Governor.create(id, new Governor.Collaborators(entitlements.getRef(), ledger,
          executor.getRef(), packs, parent.getRef()), SETTINGS));
      Entitlements.Check check = entitlements.expectMessageClass(Entitlements.Check.class);
      check.replyTo().tell(new Entitlements.Status(id, true,
          new Entitlement(id, "ent-" + id, sku, EntitlementState.ACTIVE, null, null)));
    }

    void next(Random random) {
      int dice = random.nextInt(100);
      if (dice < 1) {
        testKit.stop(governor);
        start();
        return;
      }
      if (dice < 3) {
        paused = !paused;
        ask(reply -> paused ? new Governor.Pause("ops", reply) : new Governor.Resume("ops", reply));
        return;
      }
      clock += 1000;
      boolean errors = random.nextInt(5) == 0;
      double value = level(random) / (errors ? 10 : 1);
      Long timestamp = dice < 6 ? clock - 5000 : clock;
      Double sent = dice >= 6 && dice < 8 ? null : value;
      signalsSent++;
      Receipt receipt = ask(reply -> new Governor.ProcessSignal(
          new Signal(id, errors ? "errors" : "cpu", sent, timestamp, null), reply));
      if ("act".equals(receipt.reason())) {
        ActionExecutor.Execute execute = executor.expectMessageClass(ActionExecutor.Execute.class);
        execute.replyTo().tell(new ActionOutcome.Completed(execute.action().id(), "done", 1));
        executor.awaitAssert(() -> {
          List<Receipt> chain = store.page(id, 0, 100_000);
          assertEquals("action_completed", chain.get(chain.size() - 1).reason());
          return null;
        });
        if (random.nextBoolean()) {
          manualTime.timePasses(Duration.ofSeconds(5));
        }
      } else if (heldByCooldown(receipt) && random.nextInt(4) == 0) {
        // the cooldown also ends between signals, so what it held back (an action, a relax) runs at a later one
        // (each passing of manual time costs the scheduler's 100 ms settling sleep: only where it matters)
        manualTime.timePasses(Duration.ofSeconds(5));
      }
    }

    private boolean heldByCooldown(Receipt receipt) {
      return "cooldown".equals(receipt.reason()) || (receipt.inputs() != null
          && "cooldown".equals(receipt.inputs().get(GovernorReceipts.RELAX_HELD)));
    }

    private double level(Random random) {
      int band = random.nextInt(100);
      return band < 35 ? random.nextInt(30) : band < 50 ? 30 + random.nextInt(26) : band < 65
          ? 55 + random.nextInt(11) : band < 75 ? 66 + random.nextInt(15) : 81 + random.nextInt(20);
    }

    private Receipt ask(Function<ActorRef<StatusReply<Receipt>>, Governor.Command> make) {
      TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
      governor.tell(make.apply(reply.getRef()));
      StatusReply<Receipt> answer = reply.receiveMessage(Duration.ofSeconds(5));
      assertTrue(answer.isSuccess(), () -> "error reply: " + answer);
      return answer.getValue();
    }
  }
}
