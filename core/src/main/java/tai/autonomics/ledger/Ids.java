package tai.autonomics.ledger;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Every id the runtime makes: 32 lowercase hex characters from one {@link SecureRandom}, so ids can be handed to
 * clients (an action id is also the webhook's Idempotency-Key) and never repeat or be guessed.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  /** 16 random bytes: an action's id. */
  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }

  /**
   * A receipt's id: its seq in 16 hex digits, then 8 random bytes. Unique (the seq is) and unguessable (64 random
   * bits); the seq in front lets the store find a receipt by id through its seq index ({@link #seqOf}).
   */
  public static String receiptId(long seq) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return HEX.toHexDigits(seq) + HEX.formatHex(random);
  }

  /**
   * The seq a receipt id was made for, or -1 when it cannot be one. Only a hint: a receipt re-linked in cluster
   * mode keeps its id under another seq, so a store checks the receipt it finds.
   */
  static long seqOf(String id) {
    if (id == null || id.length() != 32 || !id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
      return -1;
    }
    long seq = HexFormat.fromHexDigitsToLong(id, 0, 16);
    return seq > 0 ? seq : -1;
  }
}
