package tai.autonomics.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Seals drafts the way the Ledger does, for tests that write to a store directly. */
final class TestChains {
  private final Map<String, String> heads = new HashMap<>();
  private long seq;

  TestChains(long lastSeq) {
    this.seq = lastSeq;
  }

  Receipt seal(Receipt draft) {
    Receipt sealed = ReceiptHasher.seal(draft, ++seq, heads.getOrDefault(draft.tenantId(), Receipt.GENESIS_HASH));
    heads.put(sealed.tenantId(), sealed.hash());
    return sealed;
  }

  /** {@code count} receipts spread over {@code tenants}: transitions with message ids, some entitlements. */
  List<Receipt> receipts(int count, int tenants) {
    List<Receipt> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String tenant = "tenant-" + (i % tenants);
      Receipt draft = i % 10 == 0
          ? Receipt.draft(ReceiptType.ENTITLEMENT, tenant).entitlement("ent-" + i, "base").states("pending", "active")
              .messageId("event-" + seq + "-" + i).timestamp(1769400000000L + i).build()
          : Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", i % 3 == 0 ? "warning" : "stable")
              .reason("cpu").signal("cpu", 40.0 + i % 50, 1769400000000L + i).policy("base")
              .messageId(Long.toString(9_000_000_000_000L + seq + i)).timestamp(1769400000000L + i).build();
      out.add(seal(draft));
    }
    return out;
  }
}
