package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import tai.autonomics.cluster.postgres.PostgresReceiptStore;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.EntitlementEvent.FlatActionType;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptStoreException;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.Signal;

/**
 * In cluster mode the sharded governors hear of entitlement changes after the entitlements singleton was restarted
 * by its supervisor: the governor notifier, a child of the singleton, survives the restart and so does its
 * subscription, which lives in the node's changes topic. One node (a cluster of one) over the test PostgreSQL; its
 * store fails a read on purpose to make Entitlements throw.
 */
class ClusterEntitlementsRestartTest {
  private static final String TENANT = "tenant-singleton-restart";
  private static final String CRASH = "crash-";
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * The node's store, except that the de-duplication check fails for event ids starting with {@link #CRASH}: it
   * runs in the Entitlements singleton, which fails and is restarted by its supervisor.
   */
  private static ReceiptStore crashing(PostgresReceiptStore delegate, AtomicInteger crashes) {
    return (ReceiptStore) Proxy.newProxyInstance(ReceiptStore.class.getClassLoader(),
        new Class<?>[] {ReceiptStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("mayContainMessageId")
              && ((MessageKey) args[0]).messageId().startsWith(CRASH)) {
            crashes.incrementAndGet();
            throw new ReceiptStoreException("read failed (injected)");
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void shardedGovernorsHearOfChangesAfterTheSingletonRestarted() {
    AtomicInteger crashes = new AtomicInteger();
    int port = TestClusterNode.freePorts(1)[0];
    TestClusterNode node = TestClusterNode.start(port, port, TestPostgres.get().settings(), List.of(TENANT),
        "pekko.cluster.min-nr-of-members = 1", store -> crashing(store, crashes));
    try {
      TestProbe<Object> wait = TestProbe.create(node.system());
      // the singleton writes the seed grant once it runs; then the tenant's governor is served
      wait.awaitAssert(WAIT, () -> {
        assertEquals("stable", signal(node).getValue().stateTo());
        return null;
      });

      // the singleton throws on this event and its supervisor restarts it; a Check behind it is answered by the
      // new incarnation
      TestProbe<Entitlements.Result> lost = TestProbe.create(node.system());
      node.node().entitlements().tell(new Entitlements.Apply(flat(FlatActionType.SUSPEND, CRASH + "1"),
          lost.getRef()));
      TestProbe<Entitlements.Status> status = TestProbe.create(node.system());
      node.node().entitlements().tell(new Entitlements.Check(TENANT, status.getRef()));
      assertTrue(status.receiveMessage(WAIT).active());
      assertEquals(1, crashes.get());

      TestProbe<Entitlements.Result> suspended = TestProbe.create(node.system());
      node.node().entitlements().tell(new Entitlements.Apply(flat(FlatActionType.SUSPEND, "suspend-1"),
          suspended.getRef()));
      assertInstanceOf(Entitlements.Applied.class, suspended.receiveMessage(WAIT));
      wait.awaitAssert(WAIT, () -> {
        assertFalse(view(node).entitled(), "the governor was told of the suspension");
        return null;
      });
      Receipt refused = signal(node).getValue();
      assertEquals(ReceiptType.REFUSAL, refused.type());
      assertEquals("entitlement_inactive", refused.reason());
      lost.expectNoMessage(Duration.ofMillis(10));
    } finally {
      node.stop(Duration.ofSeconds(30));
    }
  }

  private static EntitlementEvent.Flat flat(FlatActionType action, String eventId) {
    return new EntitlementEvent.Flat(TENANT, "seed-" + TENANT, action, null, null, null, eventId);
  }

  private static StatusReply<Receipt> signal(TestClusterNode node) {
    TestProbe<StatusReply<Receipt>> probe = TestProbe.create(node.system());
    node.node().governors().tell(new Governors.Deliver(TENANT,
        new Governor.ProcessSignal(Signal.of(TENANT, "cpu", 10), probe.getRef())));
    return probe.receiveMessage(WAIT);
  }

  private static Governor.View view(TestClusterNode node) {
    TestProbe<Governor.View> probe = TestProbe.create(node.system());
    node.node().governors().tell(new Governors.Deliver(TENANT, new Governor.GetState(probe.getRef())));
    return probe.receiveMessage(WAIT);
  }
}
