package tai.autonomics.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.cluster.postgres.PostgresReceiptStore;
import tai.autonomics.cluster.postgres.PostgresSettings;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.Receipt;

/**
 * Three nodes (three actor systems in this JVM, each with its own Ledger and pool) over one PostgreSQL ledger:
 * tenants spread over the nodes; one node is killed under load (it does not leave: the others find it unreachable and
 * the split-brain resolver downs it); its tenants answer again from the survivors; no acknowledged receipt is lost and
 * every chain verifies across the move; then a node leaves gracefully and the last one goes on serving every tenant.
 *
 * <p>The killed node is the oldest, so it hosts the shard coordinator and the entitlements singleton, and the node
 * that leaves is the oldest of the survivors: both steps move the coordinator, the hardest case for sharding (a new
 * coordinator instance must load the shard table and have the surviving regions register before it places shards).
 */
class ClusterFailoverTest {
  private static final List<String> TENANTS = IntStream.range(0, 12).mapToObj(i -> "tenant-" + i).toList();
  private static final Duration ASK = Duration.ofSeconds(3);

  private static PostgresSettings postgres;
  private static PostgresReceiptStore reader;
  private static final List<TestClusterNode> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    postgres = TestPostgres.get().settings();
    reader = PostgresReceiptStore.open(postgres);
    int[] ports = TestClusterNode.freePorts(3);
    // terminating an actor system must not run the graceful leave: that is how the test kills a node. A node that is
    // told to Leave still leaves gracefully (the cluster runs coordinated shutdown itself then)
    String killable = "pekko.coordinated-shutdown.run-by-actor-system-terminate = off";
    for (int port : ports) {
      nodes.add(TestClusterNode.start(port, ports[0], postgres, TENANTS, killable));
    }
  }

  @AfterAll
  static void stopCluster() {
    for (TestClusterNode node : nodes) {
      if (!node.system().whenTerminated().isCompleted()) {
        node.stop(Duration.ofSeconds(30));
      }
    }
    reader.close();
  }

  private static long upMembers(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(member -> member.status() == MemberStatus.up()).count();
  }

  private static Set<String> governorsOn(TestClusterNode node) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.system());
    ClusterSharding.get(node.system()).shardState()
        .tell(new GetShardRegionState(GovernorEntity.TYPE_KEY, probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage(Duration.ofSeconds(5)).getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  /** The shard regions the coordinator knows (it places shards only on registered regions). */
  private static int registeredRegions(TestClusterNode node) {
    TestProbe<ShardRegion.ClusterShardingStats> probe = TestProbe.create(node.system());
    ClusterSharding.get(node.system()).shardState()
        .tell(new GetClusterShardingStats(GovernorEntity.TYPE_KEY, Duration.ofSeconds(3), probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getRegions().size();
  }

  private static Member selfMember(TestClusterNode node) {
    return Cluster.get(node.system()).selfMember();
  }

  private static Member oldestUp(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(member -> member.status() == MemberStatus.up())
        .reduce((a, b) -> a.isOlderThan(b) ? a : b).orElseThrow();
  }

  private static SignalLoad.Entry entry(TestClusterNode node) {
    return new SignalLoad.Entry(node.system(), node.node().governors());
  }

  @Test
  void tenantsSurviveAKilledNodeAndAGracefulLeave() throws Exception {
    TestProbe.create(nodes.get(0).system()).awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      for (TestClusterNode node : nodes) {
        assertEquals(3, upMembers(node.system()));
      }
      return null;
    });
    // the three went Up together; the oldest (it runs the shard coordinator and the entitlements singleton) is killed,
    // the oldest of the other two leaves later: each step moves the coordinator
    List<TestClusterNode> byAge = new ArrayList<>(nodes);
    byAge.sort((a, b) -> selfMember(a).isOlderThan(selfMember(b)) ? -1 : 1);
    TestClusterNode doomed = byAge.get(0);
    TestClusterNode leaver = byAge.get(1);
    TestClusterNode last = byAge.get(2);
    TestProbe<Object> wait = TestProbe.create(last.system());
    wait.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      assertEquals(3, registeredRegions(last), "regions registered with the coordinator");
      return null;
    });
    assertEquals(selfMember(doomed).address(), oldestUp(last.system()).address(), "the killed node is the oldest");

    Set<String> onDoomed = new HashSet<>();
    SignalLoad load = new SignalLoad(TENANTS, List.of(entry(leaver), entry(last)), ASK, Duration.ofSeconds(90));
    try (load) {
      // every tenant answers and every node runs governors (rebalancing spreads what the first placement did not)
      wait.awaitAssert(Duration.ofSeconds(40), Duration.ofMillis(200), () -> {
        TENANTS.forEach(t -> assertTrue(load.acknowledgedFor(t) >= 3, t + " not yet answered"));
        for (TestClusterNode node : byAge) {
          assertFalse(governorsOn(node).isEmpty(), "every node runs some tenants' governors");
        }
        return null;
      });
      onDoomed.addAll(governorsOn(doomed));
      System.out.printf("cluster spread: governors on the node to kill %s, to leave %s, to stay %s%n",
          onDoomed, governorsOn(leaver), governorsOn(last));
      assertFalse(onDoomed.isEmpty(), "the node to kill runs some tenants' governors");

      // kill: no leave, no hand-off; the survivors notice, the split-brain resolver downs it, the coordinator and
      // the entitlements singleton start on the next oldest node, and the dead node's shards are placed again
      doomed.stop(Duration.ofSeconds(30));
      // measured from the node's death: answers it sent while terminating do not count as "answered again"
      long killedAt = System.nanoTime();
      wait.awaitAssert(Duration.ofSeconds(45), Duration.ofMillis(200), () -> {
        for (String tenant : onDoomed) {
          assertTrue(load.lastAckNanos.getOrDefault(tenant, 0L) > killedAt, tenant + " has not answered again");
        }
        return null;
      });
      long resumedAt = onDoomed.stream().mapToLong(load.lastAckNanos::get).max().orElseThrow();
      System.out.printf("cluster failover: the killed node's %d tenants answered again %d ms after the kill%n",
          onDoomed.size(), (resumedAt - killedAt) / 1_000_000);
      wait.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
        Set<String> survivors = new HashSet<>(governorsOn(leaver));
        survivors.addAll(governorsOn(last));
        assertTrue(survivors.containsAll(onDoomed), "the killed node's tenants run on the survivors now");
        return null;
      });
      assertEquals(2, upMembers(last.system()));
      assertEquals(selfMember(leaver).address(), oldestUp(last.system()).address(), "the leaver is the oldest now");

      // graceful leave: the second node hands its shards and the coordinator off; route around it first, as a load
      // balancer would
      load.useEntries(List.of(entry(last)));
      long leaveAt = System.nanoTime();
      Cluster.get(leaver.system()).manager().tell(new Leave(Cluster.get(leaver.system()).selfMember().address()));
      leaver.awaitTerminated(Duration.ofSeconds(30));
      System.out.printf("cluster leave: the leaving node was gone %d ms after Leave%n",
          (System.nanoTime() - leaveAt) / 1_000_000);
      long leftAt = System.nanoTime();
      wait.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
        assertEquals(1, upMembers(last.system()));
        for (String tenant : TENANTS) {
          assertTrue(load.lastAckNanos.getOrDefault(tenant, 0L) > leftAt, tenant + " has not answered after the leave");
        }
        return null;
      });
      System.out.printf("cluster leave: every tenant answered from the last node %d ms after the leaver was gone%n",
          (System.nanoTime() - leftAt) / 1_000_000);
    }

    // every acknowledged receipt is stored exactly as it was answered, and every chain verifies across the moves
    List<Receipt> acknowledged = List.copyOf(load.acknowledged);
    assertTrue(acknowledged.size() > TENANTS.size() * 6L, "the load ran: " + acknowledged.size());
    for (Receipt receipt : acknowledged) {
      assertEquals(receipt, reader.get(receipt.id()).orElse(null), "acknowledged receipt lost or changed");
    }
    for (String tenant : TENANTS) {
      ChainVerifier.Result result = ChainVerifier.verifyTenant(reader, tenant);
      assertTrue(result.valid(), () -> tenant + ": " + result.problem() + " at " + result.badReceiptId());
    }
    long lastSeq = reader.lastSeq();
    assertEquals(lastSeq, reader.scan(0, (int) lastSeq + 1).size(), "seq is gap-free across all nodes");
  }
}
