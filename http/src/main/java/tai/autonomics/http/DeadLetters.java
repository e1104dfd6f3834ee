package tai.autonomics.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * The ack policy of pushes (docs/API.md). Pub/Sub acknowledges only 102, 200, 201, 202 and 204 and redelivers
 * anything else for the subscription's retention, halving its push window on each failure; so a push that can never
 * succeed (a permanent failure) is, with {@code poison = acknowledge}, answered 200 once it is durably recorded.
 * A push naming no tenant for certain is recorded here: a {@code dead_letter} receipt in the node's own chain,
 * hash-chained, group-committed and verified like every chain, in whichever store the ledger uses.
 *
 * <p>Pub/Sub delivers at least once, and resends a push whose 200 it did not see: a dead letter carries the push's
 * messageId as its {@code message_id}, so the ledger keys it by {@link MessageKey} ("", subscription, messageId)
 * exactly as it keys a tenant's receipts, in the same index of either store, and a redelivery is answered with the
 * original dead letter instead of a second one. A push without a messageId has no key and is recorded each time.
 */
final class DeadLetters {
  /**
   * The chain id of the dead letters. No tenant can have it: every decoder refuses a blank tenant_id, and the
   * tenant routes cannot address an empty path segment.
   */
  static final String CHAIN = "";
  /** How much of a body a dead letter keeps; its full length and SHA-256 are kept too. */
  static final int BODY_KEPT = 4096;
  private static final int MAX_DETAIL = 1024;
  private static final HexFormat HEX = HexFormat.of();

  private final EdgeContext edge;

  DeadLetters(EdgeContext edge) {
    this.edge = edge;
  }

  /**
   * Whether redelivering could never change the answer: the request itself is wrong (400) or not allowed in the
   * state it would change (409). 401, 413 and 503 are not: a token, a limit or the node's load can change.
   */
  static boolean permanent(ClientError error) {
    int status = error.status().intValue();
    return status == 400 || status == 409;
  }

  /** True when {@code error}, on a push, is to be acknowledged rather than answered as it is. */
  boolean acknowledges(ClientError error) {
    return permanent(error) && edge.settings().poison() == HttpSettings.Poison.ACKNOWLEDGE;
  }

  /** The same for a refusal the node answered (a Marketplace transition not allowed, a missing field). */
  boolean acknowledgesRefusals() {
    return edge.settings().poison() == HttpSettings.Poison.ACKNOWLEDGE;
  }

  /**
   * Records the push as a dead letter and answers 200 with its receipt once durable; a ledger that cannot take it
   * now fails the stage (503, so Pub/Sub redelivers: nothing was recorded).
   */
  CompletionStage<HttpResponse> record(String route, String reason, String detail, PushEnvelope push, byte[] body) {
    Receipt draft = Receipt.draft(ReceiptType.DEAD_LETTER, CHAIN)
        .reason(reason)
        .messageId(push.messageId())
        .delivery(push.delivery())
        .deadLetter(new Receipt.DeadLetterRecord(detail(route, detail), push.messageId(),
            Base64.getEncoder().encodeToString(Arrays.copyOf(body, Math.min(body.length, BODY_KEPT))),
            (long) body.length, sha256(body)))
        .build();
    return edge.gateway().record(draft).thenApply(appended -> {
      if (appended.written()) {
        // a counter counts events: a redelivery answered with the original is no new dead letter
        edge.metrics().deadLettered(reason);
      }
      return EdgeErrors.json(StatusCodes.OK, appended.receipt());
    });
  }

  private static String detail(String route, String detail) {
    String text = route + ": " + (detail == null ? "" : detail);
    return PushEnvelope.wellFormed(text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text);
  }

  private static String sha256(byte[] body) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
