package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a tenant head remembers of the governor, and how the RocksDB store keeps it. */
class TenantHeadTest {

  private static Receipt sealed(Receipt.Builder draft, long seq, long timestamp) {
    return ReceiptHasher.seal(draft.timestamp(timestamp).build(), seq, Receipt.GENESIS_HASH);
  }

  private static Receipt governor(ReceiptType type, String from, String to, String reason, long seq) {
    return sealed(Receipt.draft(type, "t").states(from, to).reason(reason), seq, 1000 * seq);
  }

  @Test
  void theHeadKeepsTheReceiptThatMovedTheGovernorIntoItsState() {
    ReceiptStore.TenantHead head = ReceiptStore.TenantHead.first(
        sealed(Receipt.draft(ReceiptType.ENTITLEMENT, "t").states(null, "active"), 1, 1000));
    assertEquals(new ReceiptStore.TenantHead("t", 1, head.hash(), null, null, null), head);
    head = head.advancedBy(governor(ReceiptType.TRANSITION, "stable", "stable", "ok", 2));
    assertEquals(List.of("stable", "ok", 2000L), List.of(head.governorState(), head.governorReason(),
        head.governorSince()), "the first governor receipt enters its state");
    head = head.advancedBy(governor(ReceiptType.TRANSITION, "intervening", "refusing", "action_timeout", 3));
    // decisions that keep the governor where it is, and receipts of other kinds, leave the entry alone
    head = head.advancedBy(governor(ReceiptType.REFUSAL, "refusing", "refusing", "invalid_signal", 4));
    head = head.advancedBy(sealed(Receipt.draft(ReceiptType.ACTION_RESULT, "t").states("started", "failed"), 5, 5));
    Receipt entitlement = sealed(Receipt.draft(ReceiptType.ENTITLEMENT, "t").states("active", "suspended"), 6, 6);
    head = head.advancedBy(entitlement);
    assertEquals(new ReceiptStore.TenantHead("t", 6, entitlement.hash(), "refusing", "action_timeout", 3000L), head);
    // a refusal in a state the head did not know (a governor restored without a receipt) enters it
    head = head.advancedBy(governor(ReceiptType.TRANSITION, "refusing", "stable", "quarantine_over", 7));
    head = head.advancedBy(governor(ReceiptType.REFUSAL, "refusing", "refusing", "entitlement_inactive", 8));
    assertEquals(List.of("refusing", "entitlement_inactive", 8000L), List.of(head.governorState(),
        head.governorReason(), head.governorSince()));
    assertEquals(new ReceiptStore.TenantHead("t", 9, "h", "refusing", "entitlement_inactive", 8000L),
        head.at(9, "h"));
  }

  @Test
  void storedHeadsRoundTrip() {
    for (ReceiptStore.TenantHead head : List.of(
        new ReceiptStore.TenantHead("t", 5, "a".repeat(64), null),
        new ReceiptStore.TenantHead("t", 6, "b".repeat(64), "refusing", "action_failed: boom ✓", 1769400000123L),
        new ReceiptStore.TenantHead("t", 7, "c".repeat(64), "stable", null, 42L),
        new ReceiptStore.TenantHead("t", 8, "d".repeat(64), "warning", "cpu above 60", null),
        new ReceiptStore.TenantHead("t", 9, "e".repeat(64), "stable", "", -1L))) {
      assertEquals(head, ReceiptCodec.decodeHead("t", ReceiptCodec.encodeHead(head)));
    }
    byte[] stored = ReceiptCodec.encodeHead(new ReceiptStore.TenantHead("t", 5, "a".repeat(64), null));
    assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.decodeHead("u", stored),
        "a head stored under another tenant's key");
  }
}
