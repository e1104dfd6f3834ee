package tai.autonomics.ledger;

import java.util.List;

/**
 * Recomputes every hash and link of a tenant's chain, reading the store page by page, and names the first receipt
 * that does not hold. Reads only; safe to run while the ledger is writing (it checks what it has read).
 */
public final class ChainVerifier {
  private static final int PAGE = 1000;

  private ChainVerifier() {}

  public record Result(boolean valid, long count, String head, String badReceiptId, String problem) {
    static Result ok(long count, String head) {
      return new Result(true, count, head, null, null);
    }

    static Result broken(long count, String badReceiptId, String problem) {
      return new Result(false, count, null, badReceiptId, problem);
    }
  }

  public static Result verifyTenant(ReceiptStore store, String tenantId) {
    String expectedPrev = Receipt.GENESIS_HASH;
    long after = 0;
    long count = 0;
    while (true) {
      List<Receipt> page = store.page(tenantId, after, PAGE);
      for (Receipt receipt : page) {
        String problem = problemOf(receipt, expectedPrev);
        if (problem != null) {
          return Result.broken(count, receipt.id(), problem);
        }
        expectedPrev = receipt.hash();
        after = receipt.seq();
        count++;
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    // the head index is written with each batch: a chain that ends before it lost its newest receipts
    String lastHash = count == 0 ? null : expectedPrev;
    String headHash = store.head(tenantId).map(ReceiptStore.TenantHead::hash).orElse(null);
    if (headHash != null && !headHash.equals(lastHash)) {
      return Result.broken(count, null, "chain ends before the tenant head " + headHash + " (newest receipts missing)");
    }
    return Result.ok(count, lastHash);
  }

  /** Why a receipt does not hold at its place in the chain, or null when it does. */
  static String problemOf(Receipt receipt, String expectedPrev) {
    if (!expectedPrev.equals(receipt.prevHash())) {
      return "prev_hash does not match the previous receipt's hash (receipt missing, reordered or altered)";
    }
    String recomputed;
    try {
      recomputed = ReceiptHasher.hash(receipt);
    } catch (RuntimeException e) {
      return "receipt cannot be canonicalized: " + e.getMessage();
    }
    if (!recomputed.equals(receipt.hash())) {
      return "hash does not match the receipt's content (receipt altered)";
    }
    return null;
  }
}
