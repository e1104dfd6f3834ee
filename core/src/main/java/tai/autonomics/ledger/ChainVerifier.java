package tai.autonomics.ledger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Recomputes every hash and link, reading the store page by page, and names the first receipt that does not hold:
 * one tenant's chain ({@link #verifyTenant}) or the whole ledger in seq order ({@link #verifyAll}), which also
 * finds gaps in seq. Reads only; safe to run while the ledger is writing: receipts appended meanwhile are read
 * too before the tenant heads are compared.
 */
public final class ChainVerifier {
  private static final int PAGE = 1000;

  private ChainVerifier() {}

  /**
   * {@code badSeq} is where the chain breaks (the named receipt's seq, or the seq that is missing or unreadable);
   * {@code badReceiptId} is null when the receipt there cannot be read.
   */
  public record Result(boolean valid, long count, String head, String badReceiptId, Long badSeq, String problem) {
    static Result ok(long count, String head) {
      return new Result(true, count, head, null, null, null);
    }

    static Result broken(long count, String badReceiptId, Long badSeq, String problem) {
      return new Result(false, count, null, badReceiptId, badSeq, problem);
    }
  }

  /** Where a tenant's chain has got to while reading it. */
  private static final class Chain {
    String lastHash = Receipt.GENESIS_HASH;
    long lastSeq;
    long count;
    /** A head seen ahead of the chain: reading on must reach it, or its receipts are missing. */
    long awaitedHead;
  }

  public static Result verifyTenant(ReceiptStore store, String tenantId) {
    Chain chain = new Chain();
    try {
      while (true) {
        List<Receipt> page = store.page(tenantId, chain.lastSeq, PAGE);
        for (Receipt receipt : page) {
          String problem = !tenantId.equals(receipt.tenantId())
              ? "receipt of tenant " + receipt.tenantId() + " in this tenant's chain (index or receipts altered)"
              : receipt.seq() <= chain.lastSeq ? "seq does not increase along the chain (receipts reordered)"
              : problemOf(receipt, chain.lastHash);
          if (problem != null) {
            return Result.broken(chain.count, receipt.id(), receipt.seq(), problem);
          }
          advance(chain, receipt);
        }
        Result ended = page.size() == PAGE ? READ_ON : checkHead(store, tenantId, chain);
        if (ended != READ_ON) {
          return ended != null ? ended : Result.ok(chain.count, chain.count == 0 ? null : chain.lastHash);
        }
      }
    } catch (CorruptReceiptException e) {
      return Result.broken(chain.count, null, e.seq(), e.getMessage());
    }
  }

  /**
   * Every receipt in seq order: seq must run 1, 2, 3... without gaps, so the last seq read is also the count, and
   * each receipt must hold in its tenant's chain; at the end each tenant's head must be where its chain ends.
   */
  public static Result verifyAll(ReceiptStore store) {
    Map<String, Chain> chains = new HashMap<>();
    long seq = 0;
    long awaitedSeq = 0;
    try {
      while (true) {
        List<Receipt> page = store.scan(seq, PAGE);
        for (Receipt receipt : page) {
          if (receipt.seq() != seq + 1) {
            return Result.broken(seq, receipt.id(), seq + 1,
                "seq " + (seq + 1) + " is missing: the next receipt has seq " + receipt.seq() + " (receipt deleted)");
          }
          Chain chain = chains.computeIfAbsent(receipt.tenantId(), t -> new Chain());
          String problem = problemOf(receipt, chain.lastHash);
          if (problem != null) {
            return Result.broken(seq, receipt.id(), receipt.seq(), problem);
          }
          advance(chain, receipt);
          seq = receipt.seq();
        }
        if (page.size() == PAGE) {
          continue;
        }
        long last = store.lastSeq();
        if (last > seq) {
          if (awaitedSeq >= last) {
            return Result.broken(seq, null, seq + 1,
                "the ledger's last seq is " + last + " but receipts end at " + seq + " (receipts deleted)");
          }
          awaitedSeq = last; // appended while we read: read on
          continue;
        }
        Result ended = chains.entrySet().stream().map(tenant -> checkHead(store, tenant.getKey(), tenant.getValue()))
            .filter(Objects::nonNull).findFirst().orElse(null);
        if (ended != READ_ON) {
          return ended != null ? ended : Result.ok(seq, null);
        }
      }
    } catch (CorruptReceiptException e) {
      return Result.broken(seq, null, e.seq(), e.getMessage());
    }
  }

  /** Returned by {@link #checkHead} when receipts were appended while reading: read on, then compare again. */
  private static final Result READ_ON = Result.broken(0, null, null, "read on");
  /** Re-reads of a head seen behind its chain: only the memory store, which updates heads last, shows that. */
  private static final int HEAD_LAG_RETRIES = 1000;

  private static void advance(Chain chain, Receipt receipt) {
    chain.lastHash = receipt.hash();
    chain.lastSeq = receipt.seq();
    chain.count++;
  }

  /**
   * The tenant head is written with each batch: a chain that ends before it lost its newest receipts, unless they
   * were appended while we read; then the caller reads on once, and must reach the head it saw.
   */
  private static Result checkHead(ReceiptStore store, String tenantId, Chain chain) {
    for (int attempt = 0; ; attempt++) {
      Optional<ReceiptStore.TenantHead> read = store.head(tenantId);
      long headSeq = read.map(ReceiptStore.TenantHead::seq).orElse(0L);
      if (headSeq > chain.lastSeq) {
        if (chain.awaitedHead < headSeq) {
          chain.awaitedHead = headSeq;
          return READ_ON;
        }
        return Result.broken(chain.count, null, headSeq, "tenant " + tenantId
            + "'s chain ends at seq " + chain.lastSeq + " before its head at seq " + headSeq
            + " (newest receipts missing)");
      }
      if (headSeq < chain.lastSeq && attempt < HEAD_LAG_RETRIES) {
        Thread.onSpinWait();
        continue;
      }
      if (read.isEmpty()) {
        return chain.count == 0 ? null
            : Result.broken(chain.count, null, chain.lastSeq, "tenant " + tenantId + " has receipts but no head");
      }
      if (headSeq != chain.lastSeq || !read.get().hash().equals(chain.lastHash)) {
        return Result.broken(chain.count, null, chain.lastSeq,
            "tenant " + tenantId + "'s head does not match the end of its chain (head altered)");
      }
      return null;
    }
  }

  /** Why a receipt does not hold at its place in the chain, or null when it does. */
  static String problemOf(Receipt receipt, String expectedPrev) {
    if (!expectedPrev.equals(receipt.prevHash())) {
      return "prev_hash does not match the previous receipt's hash (receipt missing, reordered or altered)";
    }
    try {
      return ReceiptHasher.hash(receipt).equals(receipt.hash()) ? null
          : "hash does not match the receipt's content (receipt altered)";
    } catch (RuntimeException e) {
      return "receipt cannot be canonicalized: " + e.getMessage();
    }
  }
}
