package tai.autonomics.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.Entitlement;
import tai.autonomics.entitlement.EntitlementState;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.ledger.ReceiptStore;

/**
 * Where boot resumes, as a pure function of the entitlement and the ledger head; GovernorTest runs the same cases
 * through a live governor, this names each row of the decision on its own.
 */
class GovernorRestoreTest {
  private static final Duration QUARANTINE = Duration.ofSeconds(60);
  private static final Entitlements.Status ACTIVE = status(EntitlementState.ACTIVE);
  private static final Entitlements.Status SUSPENDED = status(EntitlementState.SUSPENDED);

  // not GovernorTest.status: that would start GovernorTest's actor system, which only its own run shuts down
  private static Entitlements.Status status(EntitlementState state) {
    return new Entitlements.Status("t", state.isActive(), new Entitlement("t", "ent-t", "base", state, null, null));
  }

  private static ReceiptStore.TenantHead head(String state, String reason, Duration ago) {
    Long since = ago == null ? null : System.currentTimeMillis() - ago.toMillis();
    return new ReceiptStore.TenantHead("t", 1, "h", state, reason, since);
  }

  private static GovernorRestore restore(Entitlements.Status status, ReceiptStore.TenantHead head) {
    return GovernorRestore.from(status, head, QUARANTINE);
  }

  @Test
  void withoutAGovernorStateItIsStableOrRefusesForTheEntitlement() {
    assertEquals(new GovernorRestore(GovernorState.STABLE, null, null), restore(ACTIVE, null));
    assertEquals(new GovernorRestore(GovernorState.STABLE, null, null), restore(ACTIVE, head(null, null, null)));
    assertEquals(new GovernorRestore(GovernorState.REFUSING, GovernorData.ENTITLEMENT_INACTIVE, null),
        restore(SUSPENDED, null));
    assertEquals(new GovernorRestore(GovernorState.REFUSING, GovernorData.UNKNOWN_TENANT, null),
        restore(new Entitlements.Status("t", false, null), null));
  }

  @Test
  void warningIsKeptAndAnInterruptedActionIsStable() {
    assertEquals(new GovernorRestore(GovernorState.WARNING, null, null),
        restore(ACTIVE, head("warning", "above_warn_threshold", Duration.ZERO)));
    assertEquals(new GovernorRestore(GovernorState.STABLE, null, null),
        restore(ACTIVE, head("intervening", "act", Duration.ZERO)));
    assertEquals(GovernorState.REFUSING, restore(SUSPENDED, head("warning", "ok", Duration.ZERO)).state());
  }

  @Test
  void aQuarantineIsRestoredWithWhatIsLeftOfItWhateverTheEntitlement() {
    for (Entitlements.Status status : new Entitlements.Status[] {ACTIVE, SUSPENDED}) {
      GovernorRestore restored = restore(status, head("refusing", "action_failed: boom", Duration.ofSeconds(40)));
      assertEquals(GovernorState.REFUSING, restored.state());
      assertEquals(GovernorData.QUARANTINED, restored.because());
      Duration left = restored.quarantineLeft();
      assertTrue(left.compareTo(Duration.ofSeconds(20)) <= 0 && left.compareTo(Duration.ofSeconds(15)) > 0,
          () -> "left: " + left);
    }
  }

  @Test
  void aQuarantineWithoutItsStartOrItsReasonIsRestoredWhole() {
    assertEquals(new GovernorRestore(GovernorState.REFUSING, GovernorData.QUARANTINED, QUARANTINE),
        restore(ACTIVE, head("refusing", "action_timeout", null)));
    assertEquals(new GovernorRestore(GovernorState.REFUSING, GovernorData.QUARANTINED, QUARANTINE),
        restore(ACTIVE, head("refusing", null, null)));
  }

  @Test
  void aRefusalThatEndedWhileNoGovernorRanResumesWithItsTransition() {
    assertEquals(new GovernorRestore(GovernorState.STABLE, "quarantine_over", null),
        restore(ACTIVE, head("refusing", "action_timeout", QUARANTINE.multipliedBy(3))));
    assertEquals(new GovernorRestore(GovernorState.STABLE, "entitlement_active", null),
        restore(ACTIVE, head("refusing", GovernorData.ENTITLEMENT_INACTIVE, Duration.ZERO)));
    assertEquals(new GovernorRestore(GovernorState.REFUSING, GovernorData.ENTITLEMENT_INACTIVE, null),
        restore(SUSPENDED, head("refusing", "action_timeout", QUARANTINE.multipliedBy(3))));
  }
}
