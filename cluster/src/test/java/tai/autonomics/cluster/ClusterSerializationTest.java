package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.Entitlement;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.entitlement.MarketplaceCommand;
import tai.autonomics.governor.Governor;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.policy.Signal;

/**
 * What crosses nodes in cluster mode, serialized as the cluster does it: under the cluster provider (actor refs
 * carry this node's remote address and must resolve back to the same actor), wrapped as sharding and the ask
 * pattern wrap it. The core SerializationTest covers each message on its own; this adds the wrappers: the
 * governor's answer {@code StatusReply<Receipt>} (success and error), which goes back to the asking node, and the
 * sharding envelope a signal travels in to the node of its tenant's shard.
 */
class ClusterSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create("tai-autonomics", ConfigFactory.parseString("""
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.seed-nodes = []
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      """).withFallback(ConfigFactory.load()));
  private static final SerializationTestKit serialization = testKit.serializationTestKit();

  private static final Signal SIGNAL = new Signal("t1", "cpu", 72.5, 1_700_000_000_000L, "msg-1");
  private static final Receipt RECEIPT = Receipt.draft(ReceiptType.TRANSITION, "t1")
      .states("stable", "stable").reason("ok").policy("base@0123456789abcdef")
      .signal("cpu", 72.5, 1_700_000_000_000L).messageId("msg-1").timestamp(1_700_000_000_001L).build()
      .sealed("b".repeat(32), 7L, Receipt.GENESIS_HASH, "c".repeat(64));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void roundTrip(Object... messages) {
    for (Object message : messages) {
      // true: the serializer bound to it must not be Java serialization (which the cluster does not allow)
      assertEquals(message, serialization.verifySerialization(message, true), message.getClass().getName());
    }
  }

  private static <T> ActorRef<T> ref() {
    return testKit.<T>createTestProbe().getRef();
  }

  @Test
  void actorRefsCarryTheNodeAddress() {
    ActorRef<StatusReply<Receipt>> replyTo = ref();
    assertTrue(testKit.system().address().hasGlobalScope(), "the cluster provider gives this node a remote address");
    Governor.ProcessSignal sent = new Governor.ProcessSignal(SIGNAL, replyTo);
    Governor.ProcessSignal received = serialization.verifySerialization(sent, true);
    assertEquals(replyTo, received.replyTo(), "the reply goes back to the same actor");
  }

  @Test
  void governorAnswersCrossBackToTheAskingNode() {
    roundTrip(StatusReply.success(RECEIPT), StatusReply.error("overloaded"), StatusReply.error("unavailable"));
  }

  @Test
  void messagesTravelInTheShardingEnvelope() {
    Entitlements.Status status = new Entitlements.Status("t1", true,
        new Entitlement("t1", "ent-1", "base", EntitlementState.ACTIVE, "cust-1", null));
    roundTrip(new ShardingEnvelope<>("t1", new Governor.ProcessSignal(SIGNAL, ref())),
        new ShardingEnvelope<>("t1", new Governor.EntitlementChanged(status)),
        new ShardingEnvelope<>("t1", new Governor.GetState(ref())),
        new ShardingEnvelope<>("t1", Governor.Stop.INSTANCE));
  }

  @Test
  void entitlementsSingletonProtocol() {
    roundTrip(new Entitlements.Check("t1", ref()), new Entitlements.Subscribe(ref()),
        new Entitlements.Status("t1", false, null),
        // a sign-up taken on any node goes to the singleton's outbox; its answer comes back to that node
        new MarketplaceCommand.SignUp("acct-1", ref()), StatusReply.error("ledger_unavailable"));
  }
}
