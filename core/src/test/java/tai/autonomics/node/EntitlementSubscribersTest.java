package tai.autonomics.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.EntitlementEvent.FlatActionType;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.GovernorState;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.ForwardingReceiptStore;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptStoreException;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * The governors hear of entitlement changes after Entitlements was restarted by its supervisor: the subscriptions
 * live in the node's changes topic, not in the actor that failed. A node wired by the Guardian, whose store fails a
 * read on purpose to make Entitlements throw.
 */
class EntitlementSubscribersTest {
  private static final String TENANT = "tenant-sub";
  private static final String CRASH = "crash-";
  private static final Config CONFIG = ConfigFactory.parseString("""
      autonomics.entitlements.seed = [{ tenant-id = "tenant-sub", sku = "base" }]
      """).withFallback(ConfigFactory.load());
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ActorTestKit testKit = ActorTestKit.create(CONFIG);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * A memory store whose de-duplication check fails for event ids starting with {@link #CRASH}, as a lost disk
   * would: the check runs in the Entitlements actor, which fails and is restarted by its supervisor.
   */
  private static final class CrashingStore extends ForwardingReceiptStore {
    final AtomicInteger crashes = new AtomicInteger();

    CrashingStore() {
      super(new MemoryReceiptStore());
    }

    @Override
    public boolean mayContainMessageId(MessageKey messageId) {
      if (messageId.messageId().startsWith(CRASH)) {
        crashes.incrementAndGet();
        throw new ReceiptStoreException("read failed (injected)");
      }
      return super.mayContainMessageId(messageId);
    }
  }

  private static Node start(ReceiptStore store) {
    AtomicReference<Node> started = new AtomicReference<>();
    testKit.spawn(Guardian.create(NodeSettings.create(CONFIG), store, PolicyPacks.create(CONFIG),
        new SimpleMeterRegistry(), (system, node) -> started.set(node)), "guardian");
    testKit.createTestProbe().awaitAssert(() -> {
      assertNotNull(started.get());
      return null;
    });
    return started.get();
  }

  private static StatusReply<Receipt> signal(Node node, double value) {
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    node.governors().tell(new Governors.Deliver(TENANT,
        new Governor.ProcessSignal(Signal.of(TENANT, "cpu", value), probe.getRef())));
    return probe.receiveMessage(WAIT);
  }

  private static Governor.View view(Node node) {
    TestProbe<Governor.View> probe = testKit.createTestProbe();
    node.governors().tell(new Governors.Deliver(TENANT, new Governor.GetState(probe.getRef())));
    return probe.receiveMessage(WAIT);
  }

  private static Entitlements.Result apply(Node node, FlatActionType action, String eventId) {
    TestProbe<Entitlements.Result> probe = testKit.createTestProbe();
    node.entitlements().tell(new Entitlements.Apply(
        new EntitlementEvent.Flat(TENANT, "seed-" + TENANT, action, null, null, null, eventId), probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void governorsHearOfChangesAfterEntitlementsRestarted() {
    CrashingStore store = new CrashingStore();
    Node node = start(store);
    TestProbe<Object> wait = testKit.createTestProbe();
    // the seed grant is written asynchronously at start; then the tenant's governor runs and is served
    wait.awaitAssert(WAIT, () -> {
      assertEquals("stable", signal(node, 10).getValue().stateTo());
      return null;
    });

    // Entitlements throws on this event and its supervisor restarts it; a Check sent behind it is answered by the
    // new incarnation, so once it is answered the restart has happened
    TestProbe<Entitlements.Result> lost = testKit.createTestProbe();
    node.entitlements().tell(new Entitlements.Apply(new EntitlementEvent.Flat(TENANT, "seed-" + TENANT,
        FlatActionType.SUSPEND, null, null, null, CRASH + "1"), lost.getRef()));
    TestProbe<Entitlements.Status> status = testKit.createTestProbe();
    node.entitlements().tell(new Entitlements.Check(TENANT, status.getRef()));
    assertTrue(status.receiveMessage(WAIT).active());
    assertEquals(1, store.crashes.get());

    assertEquals("suspended",
        assertInstanceOf(Entitlements.Applied.class, apply(node, FlatActionType.SUSPEND, "suspend-1"))
            .receipt().stateTo());
    wait.awaitAssert(WAIT, () -> {
      assertFalse(view(node).entitled(), "the governor was told of the suspension");
      return null;
    });
    Receipt refused = signal(node, 10).getValue();
    assertEquals(ReceiptType.REFUSAL, refused.type());
    assertEquals("entitlement_inactive", refused.reason());
    assertEquals(GovernorState.REFUSING, view(node).state());

    // and of the resumption: served again
    assertInstanceOf(Entitlements.Applied.class, apply(node, FlatActionType.RESUME, "resume-1"));
    wait.awaitAssert(WAIT, () -> {
      assertEquals("stable", signal(node, 10).getValue().stateTo());
      return null;
    });
    lost.expectNoMessage(Duration.ofMillis(10));
  }
}
