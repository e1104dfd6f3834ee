package tai.autonomics.governor;

import java.time.Duration;
import java.util.Map;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * Where a booting governor resumes, decided from the tenant's entitlement and the governor state its last
 * incarnation left at the ledger head. A quarantine outlives restarts and passivation: it is restored with what is
 * left of it, and an inactive entitlement does not cut it short. An action in flight before a restart is not waited
 * for any more: its result receipt tells how it ended, and the governor resumes stable.
 *
 * @param state {@code REFUSING}, {@code WARNING} or {@code STABLE}
 * @param because why it refuses when refusing; when stable, why it left a refusing head ({@code quarantine_over},
 *     {@code entitlement_active}), a transition that is written at boot; otherwise null
 * @param quarantineLeft what is left of a restored quarantine; null when not quarantined
 */
record GovernorRestore(GovernorState state, String because, Duration quarantineLeft) {

  static GovernorRestore from(Entitlements.Status status, ReceiptStore.TenantHead head, Duration quarantine) {
    GovernorState last = head == null ? null : GovernorState.fromWireName(head.governorState());
    boolean quarantined = last == GovernorState.REFUSING && !isEntitlementRefusal(head.governorReason());
    if (quarantined) {
      Duration left = quarantineLeft(quarantine, head);
      if (!left.isNegative() && !left.isZero()) {
        return new GovernorRestore(GovernorState.REFUSING, GovernorData.QUARANTINED, left);
      }
    }
    if (!status.active()) {
      return new GovernorRestore(GovernorState.REFUSING, GovernorData.refusalReasonOf(status), null);
    }
    if (last == GovernorState.REFUSING) {
      // the quarantine ended, or the entitlement became active again, while no governor of this tenant ran
      return new GovernorRestore(GovernorState.STABLE, quarantined ? "quarantine_over" : "entitlement_active", null);
    }
    return new GovernorRestore(last == GovernorState.WARNING ? GovernorState.WARNING : GovernorState.STABLE, null,
        null);
  }

  /**
   * A governor that booted under another version of its pack than its last receipt names (the packs were reloaded,
   * or the node restarted with others, while it did not run) writes the switch, as a running one does at its next
   * signal: {@code policy_changed} in the state it was in, naming both versions.
   */
  static void receiptSwitch(GovernorReceipts receipts, Ledger.Head head, GovernorData data, GovernorState restored) {
    Receipt last = head.last();
    if (last == null || !last.type().carriesGovernorState() || last.policy() == null
        || last.policy().equals(data.pack().reference())) {
      return;
    }
    GovernorState was = GovernorState.fromWireName(head.head().governorState());
    GovernorState in = was == null ? restored : was;
    receipts.transition(in, in, GovernorSignals.POLICY_CHANGED, data,
        Map.of(GovernorSignals.POLICY_WAS, last.policy()));
  }

  /**
   * The memory the tenant's last receipt recorded, when it is a governor's: an entitlement or action receipt after
   * the governor's last one leaves nothing to restore, and the governor starts counting again (the cautious side).
   */
  static GovernorMemory memoryOf(Receipt last) {
    return last == null || !last.type().carriesGovernorState() ? GovernorMemory.EMPTY
        : GovernorMemory.fromInputs(last.inputs());
  }

  /**
   * A governor refuses for its entitlement (it names the entitlement reason when it moves to refusing) or for a
   * quarantine (it names the failed or timed-out action). A head from before the reason was kept has none: it is
   * restored as a quarantine, the cautious reading.
   */
  private static boolean isEntitlementRefusal(String enteredBecause) {
    return GovernorData.ENTITLEMENT_INACTIVE.equals(enteredBecause)
        || GovernorData.UNKNOWN_TENANT.equals(enteredBecause);
  }

  /** What is left of a quarantine that began when the head says; all of it when the head does not say. */
  private static Duration quarantineLeft(Duration quarantine, ReceiptStore.TenantHead head) {
    if (head.governorSince() == null) {
      return quarantine;
    }
    long elapsed = System.currentTimeMillis() - head.governorSince();
    return elapsed <= 0 ? quarantine : quarantine.minusMillis(elapsed);
  }
}
