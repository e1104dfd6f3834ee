package tai.autonomics.entitlement;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tai.autonomics.entitlement.Entitlements.Command;

/**
 * The offer ends of {@link Entitlements} (docs/OPERATIONS.md, Google Cloud Marketplace): an entitlement whose offer
 * end time is known (from entitlements.get, kept on the entitlement and in its receipts) ends once that time and the
 * configured grace have passed, with an {@code OFFER_END_PASSED} receipt, whether or not Google's
 * ENTITLEMENT_OFFER_ENDED came. One keyed timer per such entitlement, set on every commit and at start from the
 * restored state, so an end that passed while the node was down ends the entitlement at once. The end goes through
 * the actor's own {@link Entitlements.Apply}, the one path that writes entitlement receipts. Used by that actor
 * alone, on its thread.
 */
final class EntitlementsExpiry {

  /** The timer of {@code entitlementId}: its offer end may have passed. */
  record Due(String entitlementId) implements Command {}

  /** The answer to the expiry's event; null when none came in time. */
  record Ended(String entitlementId, Entitlements.Result result) implements Command {}

  /**
   * The longest single wait: Pekko's scheduler refuses delays of about 248 days and more, and an offer may run for
   * years; a timer that fires early is set again for the rest.
   */
  private static final Duration MAX_WAIT = Duration.ofDays(1);
  /** After the ledger could not take the end (overloaded, unavailable): tried again this much later. */
  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(35);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final EntitlementBook book;
  private final long graceMillis;

  EntitlementsExpiry(ActorContext<Command> context, TimerScheduler<Command> timers, EntitlementBook book,
      Duration grace) {
    this.context = context;
    this.timers = timers;
    this.book = book;
    this.graceMillis = grace.toMillis();
  }

  /** The state was restored from the ledger: every known offer end gets its timer. */
  void trackAll() {
    book.all().forEach(this::track);
  }

  /** The entitlement as now committed: its timer is set for its offer end, or cancelled when it has none. */
  void track(Entitlement entitlement) {
    Long at = expiresAt(entitlement);
    if (at == null) {
      timers.cancel(key(entitlement.entitlementId()));
      return;
    }
    long wait = Math.max(0, Math.min(at - System.currentTimeMillis(), MAX_WAIT.toMillis()));
    timers.startSingleTimer(key(entitlement.entitlementId()), new Due(entitlement.entitlementId()),
        Duration.ofMillis(wait));
  }

  Behavior<Command> onDue(Due due) {
    Entitlement entitlement = book.entitlement(due.entitlementId());
    Long at = entitlement == null ? null : expiresAt(entitlement);
    if (at == null) {
      return Behaviors.same(); // ended, renewed or changed meanwhile
    }
    if (at > System.currentTimeMillis()) {
      track(entitlement); // a capped wait: the rest of it
      return Behaviors.same();
    }
    EntitlementEvent.Procurement end = new EntitlementEvent.Procurement(null,
        EntitlementTransitions.OFFER_END_PASSED, null, entitlement.entitlementId(), null, null,
        entitlement.tenantId());
    context.ask(Entitlements.Result.class, context.getSelf(), ANSWER_TIMEOUT,
        replyTo -> new Entitlements.Apply(end, replyTo),
        (result, failure) -> new Ended(due.entitlementId(), failure == null ? result : null));
    return Behaviors.same();
  }

  Behavior<Command> onEnded(Ended ended) {
    if (ended.result() instanceof Entitlements.Applied || ended.result() instanceof Entitlements.Duplicate) {
      return Behaviors.same(); // committed: the commit itself cancelled the timer
    }
    if (ended.result() instanceof Entitlements.Rejected rejected) {
      // every state accepts the end, so this is a bug, not a reason to try every few seconds for ever
      context.getLog().error("offer end of {} refused: {} {}", ended.entitlementId(), rejected.reason(),
          rejected.detail());
      return Behaviors.same();
    }
    context.getLog().warn("offer end of {} not recorded ({}); tried again in {}", ended.entitlementId(),
        ended.result(), RETRY);
    Entitlement entitlement = book.entitlement(ended.entitlementId());
    if (entitlement != null && expiresAt(entitlement) != null) {
      timers.startSingleTimer(key(ended.entitlementId()), new Due(ended.entitlementId()), RETRY);
    }
    return Behaviors.same();
  }

  /** When the entitlement expires (epoch millis), or null: no offer end known, or ended already. */
  private Long expiresAt(Entitlement entitlement) {
    if (entitlement.state() == EntitlementState.CANCELLED || entitlement.state() == EntitlementState.DELETED) {
      return null;
    }
    Long end = parse(entitlement.offerEndTime());
    return end == null ? null : end + graceMillis;
  }

  /** An RFC 3339 time as Google's JSON writes a Timestamp ("2027-12-01T10:00:00Z"), or null when it is none. */
  static Long parse(String rfc3339) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String key(String entitlementId) {
    return "offer-end-" + entitlementId;
  }
}
