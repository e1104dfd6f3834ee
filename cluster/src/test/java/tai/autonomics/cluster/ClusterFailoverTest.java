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
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
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
    nodes.add(TestClusterNode.start(ports[0], ports[0], postgres, TENANTS, ""));
    nodes.add(TestClusterNode.start(ports[1], ports[0], postgres, TENANTS, ""));
    // the node that will be killed: terminating its actor system must not run the graceful leave
    nodes.add(TestClusterNode.start(ports[2], ports[0], postgres, TENANTS,
        "pekko.coordinated-shutdown.run-by-actor-system-terminate = off"));
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

  private static SignalLoad.Entry entry(TestClusterNode node) {
    return new SignalLoad.Entry(node.system(), node.node().governors());
  }

  @Test
  void tenantsSurviveAKilledNodeAndAGracefulLeave() throws Exception {
    TestClusterNode first = nodes.get(0);
    TestClusterNode second = nodes.get(1);
    TestClusterNode doomed = nodes.get(2);
    TestProbe<Object> wait = TestProbe.create(first.system());
    wait.awaitAssert(Duration.ofSeconds(30), () -> {
      assertEquals(3, upMembers(first.system()));
      return null;
    });

    Set<String> onDoomed;
    SignalLoad load = new SignalLoad(TENANTS, List.of(entry(first), entry(second)), ASK, Duration.ofSeconds(90));
    try (load) {
      wait.awaitAssert(Duration.ofSeconds(30), () -> {
        TENANTS.forEach(t -> assertTrue(load.acknowledgedFor(t) >= 3, t + " not yet answered"));
        return null;
      });
      onDoomed = governorsOn(doomed);
      assertFalse(onDoomed.isEmpty(), "the third node runs some tenants' governors");
      assertFalse(governorsOn(first).isEmpty(), "the first node runs some tenants' governors");
      assertFalse(governorsOn(second).isEmpty(), "the second node runs some tenants' governors");

      // kill: no leave, no hand-off; the survivors notice, the split-brain resolver downs it, shards move
      doomed.stop(Duration.ofSeconds(30));
      // measured from the node's death: answers it sent while terminating do not count as "answered again"
      long killedAt = System.nanoTime();
      wait.awaitAssert(Duration.ofSeconds(60), Duration.ofMillis(200), () -> {
        for (String tenant : onDoomed) {
          assertTrue(load.lastAckNanos.getOrDefault(tenant, 0L) > killedAt, tenant + " has not answered again");
        }
        return null;
      });
      long resumedAt = onDoomed.stream().mapToLong(load.lastAckNanos::get).max().orElseThrow();
      System.out.printf("cluster failover: the killed node's %d tenants answered again %d ms after the kill%n",
          onDoomed.size(), (resumedAt - killedAt) / 1_000_000);
      wait.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
        Set<String> survivors = new HashSet<>(governorsOn(first));
        survivors.addAll(governorsOn(second));
        assertTrue(survivors.containsAll(onDoomed), "the killed node's tenants run on the survivors now");
        return null;
      });
      assertEquals(2, upMembers(first.system()));

      // graceful leave: the second node hands its shards off; route around it first, as a load balancer would
      load.useEntries(List.of(entry(first)));
      Cluster.get(second.system()).manager().tell(new Leave(Cluster.get(second.system()).selfMember().address()));
      second.awaitTerminated(Duration.ofSeconds(30));
      long leftAt = System.nanoTime();
      wait.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
        assertEquals(1, upMembers(first.system()));
        for (String tenant : TENANTS) {
          assertTrue(load.lastAckNanos.getOrDefault(tenant, 0L) > leftAt, tenant + " has not answered after the leave");
        }
        return null;
      });
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
    long last = reader.lastSeq();
    assertEquals(last, reader.scan(0, (int) last + 1).size(), "seq is gap-free across all nodes");
  }
}
