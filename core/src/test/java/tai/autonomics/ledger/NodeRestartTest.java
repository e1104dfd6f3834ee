package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorState;
import tai.autonomics.governor.Governors;
import tai.autonomics.node.Guardian;
import tai.autonomics.node.Node;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * A whole node over RocksDB, stopped cleanly and started again on the same directory: the governor resumes the
 * state its last receipt recorded, and the tenant's chain goes on from its head. Two actor systems in turn (one
 * test kit each) because a restart of the node is what is tested.
 */
class NodeRestartTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
      autonomics.entitlements.seed = [{ tenant-id = "tenant-r", sku = "base" }]
      autonomics.executor.simulated.latency = 1ms
      """).withFallback(ConfigFactory.load());
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private static Node start(ActorTestKit testKit, ReceiptStore store) {
    AtomicReference<Node> started = new AtomicReference<>();
    testKit.spawn(Guardian.create(NodeSettings.create(CONFIG), store, PolicyPacks.create(CONFIG),
        new SimpleMeterRegistry(), (system, node) -> started.set(node)), "guardian");
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(() -> {
      assertNotNull(started.get());
      return null;
    });
    return started.get();
  }

  private static StatusReply<Receipt> signal(ActorTestKit testKit, Node node, double value) {
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    node.governors().tell(new Governors.Deliver("tenant-r",
        new Governor.ProcessSignal(Signal.of("tenant-r", "cpu", value), probe.getRef())));
    return probe.receiveMessage(WAIT);
  }

  private static GovernorState state(ActorTestKit testKit, Node node) {
    TestProbe<Governor.View> views = testKit.createTestProbe();
    node.governors().tell(new Governors.Deliver("tenant-r", new Governor.GetState(views.getRef())));
    return views.receiveMessage(WAIT).state();
  }

  @Test
  void theGovernorResumesItsStateAndTheChainContinuesAfterARestart() {
    Receipt warned;
    long lastSeq;
    ActorTestKit first = ActorTestKit.create("first-run", CONFIG);
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      Node node = start(first, store);
      TestProbe<Object> wait = first.createTestProbe();
      // the seed grant is written asynchronously at start
      wait.awaitAssert(() -> {
        assertEquals("stable", signal(first, node, 10).getValue().stateTo());
        return null;
      });
      warned = signal(first, node, 70).getValue();
      assertEquals("warning", warned.stateTo());
      assertEquals(GovernorState.WARNING, state(first, node));
      first.shutdownTestKit();
      lastSeq = store.lastSeq();
    }

    ActorTestKit second = ActorTestKit.create("second-run", CONFIG);
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      assertEquals(lastSeq, store.lastSeq());
      assertEquals("warning", store.head("tenant-r").orElseThrow().governorState());
      Node node = start(second, store);
      assertEquals(GovernorState.WARNING, state(second, node), "restored from the tenant head");
      Receipt calmed = signal(second, node, 10).getValue();
      assertEquals("warning", calmed.stateFrom());
      assertEquals(lastSeq + 1, calmed.seq());
      assertEquals(warned.hash(), store.page("tenant-r", warned.seq(), 1).get(0).prevHash());
      ChainVerifier.Result verified = ChainVerifier.verifyAll(store);
      assertTrue(verified.valid(), verified::problem);
      second.shutdownTestKit();
    }
  }
}
