package tai.autonomics.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.Entitlement;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.executor.ActionExecutor;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.LedgerSettings;
import tai.autonomics.ledger.MemoryReceiptStore;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.PolicyCanonical;
import tai.autonomics.policy.PolicyPack;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.policy.PolicyRecords;
import tai.autonomics.policy.Signal;

/**
 * Replay (docs/POLICY.md): real governors on a real ledger write chains of thousands of mixed decisions (ok, warn,
 * stabilizing, tolerance, cooldown, act, relax, rate_limited, would_act, stale and invalid refusals, with pauses and
 * restarts among them), which replay with no mismatch; a pack whose threshold was edited in its stored record makes
 * replay name the first receipt it changes.
 */
class GovernorReplayTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final MemoryReceiptStore store = new MemoryReceiptStore();
  private static final ActorRef<Ledger.Command> ledger = testKit.spawn(
      Ledger.create(store, new LedgerSettings("memory", Path.of("unused"), false, 4096, 100_000)), "ledger");
  static final PolicyPacks PACKS = PolicyPacks.create(ConfigFactory.parseString("""
      autonomics.policy.packs {
        mixed {
          cooldown = 5s, max-actions = 5, per = 1h, max-signal-age = 3650d
          default-rule { warn-above = 60, act-above = 80, action = scale, act-after = 2, tolerance = 5
            relax = scale-in, relax-below = 30, relax-for = 3s }
          rules { errors { warn-above = 1, act-above = 5, action = rollback, tolerance = 0.2, relax-below = 0.5 } }
        }
        drymix { mode = dry-run, max-signal-age = 3650d, default-rule { act-after = 2 } }
      }
      """).withFallback(ConfigFactory.defaultReference()).resolve());
  private static final int TENANTS = 6;
  private static final int SIGNALS = 600;
  private static final Map<String, List<Receipt>> chains = new HashMap<>();
  private static long signalsSent;

  @BeforeAll
  static void writeChains() {
    ReplayChains writer = new ReplayChains(testKit, store, ledger, PACKS);
    chains.putAll(writer.write("replay-", TENANTS, SIGNALS, 18));
    signalsSent = writer.signalsSent();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Function<String, PolicyPack> byReference(PolicyPacks packs) {
    Map<String, PolicyPack> known = new HashMap<>();
    packs.all().values().forEach(p -> known.put(p.reference(), p));
    return known::get;
  }

  @Test
  void thousandsOfMixedDecisionsReplayWithoutAMismatch() {
    long decisions = 0;
    Set<String> outcomes = new TreeSet<>();
    for (Map.Entry<String, List<Receipt>> chain : chains.entrySet()) {
      GovernorReplay replay = new GovernorReplay(byReference(PACKS));
      for (Receipt r : chain.getValue()) {
        Optional<GovernorReplay.Mismatch> mismatch = replay.check(r);
        assertTrue(mismatch.isEmpty(), () -> chain.getKey() + ": " + mismatch.get());
        if (r.inputs() != null && r.inputs().containsKey(DecisionInputs.RULE)) {
          outcomes.add(r.reason() + ("act".equals(r.reason()) ? " " + r.actionType() : "")
              + (r.inputs().containsKey(GovernorReceipts.RELAX_HELD)
                  ? " relax held " + r.inputs().get(GovernorReceipts.RELAX_HELD) : ""));
        }
      }
      decisions += replay.decisions();
    }
    assertTrue(decisions >= 3000, "decisions replayed: " + decisions);
    assertEquals(signalsSent, decisions, "every signal was a decision, and each was replayed");
    for (String kind : List.of("ok", "above_warn_threshold", "within_tolerance", "stabilizing", "cooldown",
        "act scale", "act scale-in", "act rollback", "ok relax held cooldown", "rate_limited", "would_act", "stale_signal", "invalid_signal")) {
      assertTrue(outcomes.contains(kind), () -> "no " + kind + " among " + outcomes);
    }
  }

  @Test
  void anEditedThresholdNamesTheFirstReceiptItChanges() {
    PolicyPack mixed = PACKS.forSku("mixed");
    String stored = PolicyRecords.draft(mixed).inputs().get(PolicyRecords.PACK);
    String edited = stored.replace("\"act_above\":80,", "\"act_above\":90,");
    assertNotEquals(stored, edited);
    PolicyPack changed = PolicyCanonical.parse(edited);
    assertNotEquals(mixed.version(), changed.version(), "the edit shows in the version computed from the content");
    List<Receipt> chain = chains.get("replay-0");
    Receipt first = chain.stream()
        .filter(r -> r.inputs() != null && r.inputs().containsKey(DecisionInputs.RULE))
        .filter(r -> "cpu".equals(r.signal().metric()) && r.signal().value() != null)
        .filter(r -> r.signal().value() > 80 && r.signal().value() <= 90 && !r.type().name().equals("REFUSAL"))
        .findFirst().orElseThrow();
    GovernorReplay replay = new GovernorReplay(ref -> ref.equals(mixed.reference()) ? changed : null);
    GovernorReplay.Mismatch mismatch = null;
    for (Receipt r : chain) {
      Optional<GovernorReplay.Mismatch> found = replay.check(r);
      if (found.isPresent()) {
        mismatch = found.get();
        break;
      }
    }
    assertTrue(mismatch != null, "the edited pack changes a decision");
    assertEquals(first.seq(), mismatch.seq(), mismatch::toString);
    assertEquals(first.id(), mismatch.id());
    assertTrue(mismatch.expected().startsWith("above_warn_threshold"), mismatch::toString);
    assertTrue(mismatch.why().contains("act-above 90.0") && mismatch.why().contains("act-above 80.0"),
        mismatch::toString);
  }

  @Test
  void aReloadedPackIsSwitchedToAtTheNextSignalOrAtBootWithAReceiptNamingBothVersions() {
    PolicyPacks packs = packsActingAbove(80);
    String id = "switching";
    TestProbe<Entitlements.Command> entitlements = testKit.createTestProbe();
    TestProbe<ActionExecutor.Command> executor = testKit.createTestProbe();
    TestProbe<Governor.Idle> parent = testKit.createTestProbe();
    java.util.function.Supplier<ActorRef<Governor.Command>> start = () -> {
      ActorRef<Governor.Command> governor = testKit.spawn(Governor.create(id, new Governor.Collaborators(
          entitlements.getRef(), ledger, executor.getRef(), packs, parent.getRef()), GovernorSettings.create(
          ConfigFactory.load())));
      Entitlements.Check check = entitlements.expectMessageClass(Entitlements.Check.class);
      check.replyTo().tell(new Entitlements.Status(id, true,
          new Entitlement(id, "ent-" + id, "base", EntitlementState.ACTIVE, null, null)));
      return governor;
    };
    ActorRef<Governor.Command> governor = start.get();
    PolicyPack p1 = packs.forSku("base");
    String v1 = signal(governor, id, 85).policy();
    packs.replaceWith(packsActingAbove(90));
    PolicyPack p2 = packs.forSku("base");
    String v2 = p2.reference();
    assertNotEquals(v1, v2);
    Receipt decided = signal(governor, id, 85);
    assertEquals(v2, decided.policy());
    assertEquals("above_warn_threshold", decided.reason(), "decided under the new threshold");
    List<Receipt> chain = store.page(id, 0, 1000);
    Receipt switched = chain.get(chain.size() - 2);
    assertEquals(List.of("policy_changed", v2, v1), List.of(switched.reason(), switched.policy(),
        switched.inputs().get("policy_was")));

    testKit.stop(governor);
    packs.replaceWith(PolicyPacks.create(ConfigFactory.defaultReference()));
    String v3 = packs.forSku("base").reference();
    governor = start.get();
    assertEquals(v3, signal(governor, id, 50).policy());
    chain = store.page(id, 0, 1000);
    Receipt atBoot = chain.get(chain.size() - 2);
    assertEquals(List.of("policy_changed", v3, v2), List.of(atBoot.reason(), atBoot.policy(),
        atBoot.inputs().get("policy_was")));
    Map<String, PolicyPack> versions = new HashMap<>();
    versions.put(v1, p1);
    versions.put(v2, p2);
    versions.put(v3, packs.forSku("base"));
    GovernorReplay replay = new GovernorReplay(versions::get);
    for (Receipt r : chain) {
      Optional<GovernorReplay.Mismatch> mismatch = replay.check(r);
      assertTrue(mismatch.isEmpty(), () -> mismatch.get().toString());
    }
    assertEquals(3, replay.decisions(), "each signal decided under the version its receipt names");
  }

  private static PolicyPacks packsActingAbove(int actAbove) {
    return PolicyPacks.create(ConfigFactory.parseString("autonomics.policy.packs.base.default-rule { act-above = "
        + actAbove + ", act-after = 2 }").withFallback(ConfigFactory.defaultReference()));
  }

  private static Receipt signal(ActorRef<Governor.Command> governor, String id, double value) {
    TestProbe<StatusReply<Receipt>> reply = testKit.createTestProbe();
    governor.tell(new Governor.ProcessSignal(Signal.of(id, "cpu", value), reply.getRef()));
    StatusReply<Receipt> answer = reply.receiveMessage(Duration.ofSeconds(5));
    assertTrue(answer.isSuccess(), () -> "error reply: " + answer);
    return answer.getValue();
  }

  @Test
  void everyPackReadsBackFromItsCanonicalForm() {
    for (PolicyPacks packs : List.of(PACKS, PolicyPacks.create(ConfigFactory.defaultReference()))) {
      for (PolicyPack pack : packs.all().values()) {
        PolicyPack back = PolicyRecords.read(PolicyRecords.draft(pack).sealed("r", 1L, Receipt.GENESIS_HASH, "h"));
        assertEquals(pack, back);
      }
    }
  }

}
