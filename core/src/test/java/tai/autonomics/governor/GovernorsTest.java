package tai.autonomics.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.Signal;

/**
 * The parent of the governors with real time: passivation and restore from the ledger, restart after a failure
 * (the tenant keeps working), the restart limit, entitlement changes forwarded to live governors.
 */
class GovernorsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final MemoryReceiptStore store = new MemoryReceiptStore();
  private static final ActorRef<Ledger.Command> ledger = testKit.spawn(
      Ledger.create(store, new LedgerSettings("memory", Path.of("unused"), false, 4096, 100_000)), "ledger");
  private static final PolicyPacks PACKS = PolicyPacks.create(ConfigFactory.defaultReference());
  private static final Duration SHORT = Duration.ofMillis(300);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * Stands in for Entitlements: every tenant is active, except that the first {@code unanswered} checks of a
   * tenant in {@code failing} get no answer, which makes that governor's boot fail (an exception, so supervision
   * restarts it). Subscribers are handed to {@code listeners}.
   */
  private static Behavior<Entitlements.Command> entitlements(Set<String> failing, AtomicInteger unanswered,
      List<ActorRef<Entitlements.Status>> listeners, AtomicInteger checks) {
    return Behaviors.receive(Entitlements.Command.class)
        .onMessage(Entitlements.Check.class, check -> {
          checks.incrementAndGet();
          if (!failing.contains(check.tenantId()) || unanswered.getAndDecrement() <= 0) {
            check.replyTo().tell(GovernorTest.status(check.tenantId(), EntitlementState.ACTIVE, "base"));
          }
          return Behaviors.same();
        })
        .onMessage(Entitlements.Subscribe.class, subscribe -> {
          listeners.add(subscribe.listener());
          return Behaviors.same();
        })
        .build();
  }

  private record Node(ActorRef<Governors.Command> governors, List<ActorRef<Entitlements.Status>> listeners,
      Set<String> failing, AtomicInteger unanswered, AtomicInteger checks) {

    StatusReply<Receipt> signal(String tenant, double value) {
      TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
      governors.tell(new Governors.Deliver(tenant, new Governor.ProcessSignal(Signal.of(tenant, "cpu", value),
          reply.getRef())));
      return reply.receiveMessage(Duration.ofSeconds(5));
    }

    Governor.View view(String tenant) {
      TestProbe<Governor.View> reply = testKit.createTestProbe();
      governors.tell(new Governors.Deliver(tenant, new Governor.GetState(reply.getRef())));
      return reply.receiveMessage(Duration.ofSeconds(5));
    }

    int live() {
      TestProbe<Governors.Live> reply = testKit.createTestProbe();
      governors.tell(new Governors.CountLive(reply.getRef()));
      return reply.receiveMessage().governors();
    }
  }

  private static Node node(Duration idleTimeout, int maxRestarts) {
    GovernorSettings settings = new GovernorSettings(100, 1000, Duration.ofSeconds(5), idleTimeout, SHORT,
        maxRestarts, Duration.ofMinutes(1));
    List<ActorRef<Entitlements.Status>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    Set<String> failing = ConcurrentHashMap.newKeySet();
    AtomicInteger unanswered = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    ActorRef<Entitlements.Command> entitlements =
        testKit.spawn(entitlements(failing, unanswered, listeners, checks));
    TestProbe<ActionExecutor.Command> executor = testKit.createTestProbe();
    ActorRef<Governors.Command> governors = testKit.spawn(Governors.create(entitlements,
        idle -> new Governor.Collaborators(entitlements, ledger, executor.getRef(), PACKS, idle), settings));
    return new Node(governors, listeners, failing, unanswered, checks);
  }

  private static Receipt success(StatusReply<Receipt> reply) {
    assertTrue(reply.isSuccess(), () -> "error reply: " + reply);
    return reply.getValue();
  }

  @Test
  void anIdleGovernorIsPassivatedAndItsSuccessorRestoresTheStateFromTheLedger() {
    Node node = node(SHORT, 3);
    assertEquals("warning", success(node.signal("p1", 70)).stateTo());
    assertEquals(1, node.live());
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(0, node.live());
      return null;
    });
    Governor.View restored = node.view("p1");
    assertEquals(GovernorState.WARNING, restored.state());
    assertEquals(0, restored.signals(), "a new incarnation: only the state comes back, from the ledger head");
    assertEquals(1, node.live());
    assertEquals("stable", success(node.signal("p1", 10)).stateTo());
  }

  @Test
  void noSignalIsLostAroundPassivation() {
    Node node = node(Duration.ofMillis(100), 3);
    for (int round = 0; round < 3; round++) {
      List<TestProbe<StatusReply<Receipt>>> replies = new ArrayList<>();
      TestProbe<Object> wait = testKit.createTestProbe();
      wait.awaitAssert(Duration.ofSeconds(5), () -> {
        assertEquals(0, node.live());
        return null;
      });
      for (int i = 0; i < 50; i++) {
        TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
        node.governors().tell(new Governors.Deliver("p2", new Governor.ProcessSignal(Signal.of("p2", "cpu", 10),
            reply.getRef())));
        replies.add(reply);
      }
      for (TestProbe<StatusReply<Receipt>> reply : replies) {
        assertEquals("stable", success(reply.receiveMessage(Duration.ofSeconds(5))).stateTo());
      }
    }
  }

  @Test
  void aGovernorThatThrowsIsRestartedAndTheTenantKeepsWorking() {
    Node node = node(Duration.ZERO, 3);
    node.failing().add("r1");
    node.unanswered().set(1);
    // the first boot never hears from Entitlements: it fails after the boot timeout, answering what it held
    StatusReply<Receipt> during = node.signal("r1", 10);
    assertTrue(during.isError());
    assertEquals(GovernorBoot.UNAVAILABLE, during.getError().getMessage());
    assertEquals("stable", success(node.signal("r1", 10)).stateTo());
    assertEquals(1, node.live(), "restarted in place: the same governor, not a new one");
    assertEquals(2, node.checks().get());
  }

  @Test
  void aGovernorFailingPastItsRestartLimitStopsAndIsStartedAfreshOnTheNextMessage() {
    Node node = node(Duration.ZERO, 1);
    node.failing().add("r2");
    node.unanswered().set(2);
    TestProbe<StatusReply<Receipt>> first = testKit.createTestProbe();
    node.governors().tell(new Governors.Deliver("r2", new Governor.ProcessSignal(Signal.of("r2", "cpu", 10),
        first.getRef())));
    assertTrue(first.receiveMessage(Duration.ofSeconds(5)).isError());
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(2, node.checks().get());
      assertEquals(0, node.live());
      return null;
    });
    assertEquals("stable", success(node.signal("r2", 10)).stateTo());
    assertEquals(1, node.live());
  }

  @Test
  void entitlementChangesReachLiveGovernors() {
    Node node = node(Duration.ZERO, 3);
    assertEquals("stable", success(node.signal("e1", 10)).stateTo());
    assertEquals(1, node.listeners().size(), "the parent subscribes once for all governors");
    node.listeners().get(0).tell(GovernorTest.status("e1", EntitlementState.SUSPENDED, "base"));
    // a tenant without a live governor: nothing to tell, its next boot asks anyway
    node.listeners().get(0).tell(GovernorTest.status("nobody", EntitlementState.SUSPENDED, "base"));
    assertEquals(GovernorData.ENTITLEMENT_INACTIVE, success(node.signal("e1", 10)).reason());
    assertEquals(1, node.live());
  }

  @Test
  void tenantIdsThatAreNotActorNamesStillGetAGovernor() {
    Node node = node(Duration.ZERO, 3);
    for (String tenant : List.of("a/b c", "ü$%#?", "x".repeat(200))) {
      assertEquals(tenant, success(node.signal(tenant, 10)).tenantId());
    }
    assertEquals(3, node.live());
  }
}
