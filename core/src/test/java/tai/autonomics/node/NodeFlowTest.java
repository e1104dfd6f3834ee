package tai.autonomics.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorState;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/** The whole core wired by the Guardian: a signal goes through governor, policy, executor and ledger. */
class NodeFlowTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
      autonomics.entitlements.seed = [{ tenant-id = "tenant-001", sku = "base" }]
      autonomics.executor.simulated.latency = 1ms
      """).withFallback(ConfigFactory.load());
  private static final ActorTestKit testKit = ActorTestKit.create(CONFIG);
  private static final MemoryReceiptStore store = new MemoryReceiptStore();
  private static Node node;

  @BeforeAll
  static void startNode() {
    AtomicReference<Node> started = new AtomicReference<>();
    testKit.spawn(Guardian.create(NodeSettings.create(CONFIG), store, PolicyPacks.create(CONFIG),
        new SimpleMeterRegistry(), (system, n) -> started.set(n)), "guardian");
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(() -> {
      assertNotNull(started.get());
      return null;
    });
    node = started.get();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private Receipt signal(String tenant, double value) {
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    node.governors().tell(new Governors.Deliver(tenant,
        new Governor.ProcessSignal(Signal.of(tenant, "cpu", value), probe.getRef())));
    StatusReply<Receipt> reply = probe.receiveMessage(Duration.ofSeconds(5));
    assertTrue(reply.isSuccess(), () -> "error reply: " + reply);
    return reply.getValue();
  }

  @Test
  void signalsAreDecidedActedOnAndChained() {
    TestProbe<Object> wait = testKit.createTestProbe();
    // the seed grant is written asynchronously at start
    wait.awaitAssert(() -> {
      assertEquals("stable", signal("tenant-001", 10).stateTo());
      return null;
    });
    Receipt warn = signal("tenant-001", 70);
    assertEquals(ReceiptType.TRANSITION, warn.type());
    assertEquals("warning", warn.stateTo());
    Receipt act = signal("tenant-001", 95);
    assertEquals("intervening", act.stateTo());
    assertNotNull(act.actionId());

    TestProbe<Governor.View> views = testKit.createTestProbe();
    views.awaitAssert(() -> {
      node.governors().tell(new Governors.Deliver("tenant-001", new Governor.GetState(views.getRef())));
      assertEquals(GovernorState.STABLE, views.receiveMessage().state());
      return null;
    });
    ChainVerifier.Result verified = ChainVerifier.verifyTenant(store, "tenant-001");
    assertTrue(verified.valid(), verified::problem);
  }

  @Test
  void unknownTenantIsRefused() {
    Receipt refused = signal("nobody", 10);
    assertEquals(ReceiptType.REFUSAL, refused.type());
    assertEquals("unknown_tenant", refused.reason());
  }
}
