package tai.autonomics.entitlement;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.entitlement.Entitlements.Command;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * The Marketplace side of {@link Entitlements}: its {@link ProcurementOutbox} child (when the Procurement client is
 * on), what the outbox is told of each committed change, the bound on waiting work, and the operator's view and
 * settlements. Used by that actor alone, on its thread.
 */
final class EntitlementsMarketplace {
  private static final String CHILD = "procurement-outbox";

  private final EntitlementBook book;
  private final MarketplaceSettings settings;
  private final ActorRef<ProcurementOutbox.Command> outbox;

  EntitlementsMarketplace(ActorContext<Command> context, EntitlementBook book, ActorRef<Ledger.Command> ledger,
      ReceiptStore store, MarketplaceWiring wiring) {
    this.book = book;
    this.settings = wiring.settings();
    // a restart keeps the children (see Guardian): the previous outbox goes, and its jobs are re-derived from the
    // ledger by the new one; a repeated call is harmless
    context.getChildren().forEach(child -> {
      if (child.path().name().startsWith(CHILD)) {
        context.stop(child);
      }
    });
    this.outbox = wiring.client().map(c -> context.spawn(ProcurementOutbox.create(ledger, context.getSelf(), store,
        c, settings, new OutboxMetrics(wiring.registry(), settings.stuckAfter().toMillis())),
        CHILD + "-" + System.nanoTime())).orElse(null);
  }

  /**
   * The state was restored: every entitlement waiting for Google resumes its job from the ledger, and so does every
   * sign-up whose link no close followed.
   */
  void restored() {
    if (outbox != null) {
      book.awaitingGoogle().forEach(receipt -> outbox.tell(new ProcurementOutbox.Track(
          book.entitlement(receipt.entitlementId()), receipt, true)));
      book.pendingSignUps().forEach(link -> outbox.tell(new OutboxSignUps.SignUp(link.customerId(),
          link.tenantId(), null)));
    }
  }

  /** Refuse new work for Google (a creation or plan change requested) while the outbox is full. */
  boolean full(EntitlementEvent event, Entitlement next) {
    if (outbox == null || !(event instanceof EntitlementEvent.Procurement) || next == null
        || !EntitlementBook.awaitsGoogle(next)) {
      return false;
    }
    Entitlement current = book.entitlement(next.entitlementId());
    boolean newWork = current == null || !EntitlementBook.awaitsGoogle(current);
    return newWork && book.awaitingGoogle().size() >= settings.outboxCapacity();
  }

  /** A receipt is durable: the outbox learns of the entitlement's state, and of an approved account. */
  void committed(EntitlementEvent event, Entitlement next, Receipt receipt) {
    if (outbox == null || !(event instanceof EntitlementEvent.Procurement procurement)) {
      return;
    }
    if (next != null) {
      outbox.tell(new ProcurementOutbox.Track(next, receipt, false));
    }
    if ("ACCOUNT_ACTIVE".equals(procurement.eventType()) && procurement.accountId() != null) {
      outbox.tell(new ProcurementOutbox.AccountApproved(procurement.accountId()));
    }
  }

  Behavior<Command> onCommand(MarketplaceCommand command) {
    if (command instanceof MarketplaceCommand.Describe describe) {
      onDescribe(describe);
    } else if (command instanceof MarketplaceCommand.Settle settle) {
      onSettle(settle);
    } else if (command instanceof MarketplaceCommand.SignUp signUp) {
      onSignUp(signUp);
    }
    return Behaviors.same();
  }

  /** The account goes to the tenant its entitlements serve, else to the tenant named by its id. */
  private void onSignUp(MarketplaceCommand.SignUp signUp) {
    if (outbox == null) {
      signUp.replyTo().tell(StatusReply.error("procurement_disabled"));
    } else {
      outbox.tell(new OutboxSignUps.SignUp(signUp.accountId(), book.tenantOfAccount(signUp.accountId()),
          signUp.replyTo()));
    }
  }

  private void onDescribe(MarketplaceCommand.Describe describe) {
    List<Entitlement> entitlements = book.entitlementsOf(describe.tenantId());
    if (outbox == null) {
      describe.replyTo().tell(new MarketplaceCommand.Overview(
          entitlements.stream().map(e -> new EntitlementView(e, null, null)).toList(), List.of()));
    } else {
      outbox.tell(new ProcurementOutbox.Describe(describe.tenantId(), entitlements, describe.replyTo()));
    }
  }

  private void onSettle(MarketplaceCommand.Settle settle) {
    Entitlement entitlement = book.entitlement(settle.entitlementId());
    if (entitlement == null || !entitlement.tenantId().equals(settle.tenantId())) {
      settle.replyTo().tell(StatusReply.error("not_found"));
    } else if (outbox == null) {
      settle.replyTo().tell(StatusReply.error("procurement_disabled"));
    } else {
      outbox.tell(new ProcurementOutbox.Settle(settle.entitlementId(), settle.approve(), settle.operator(),
          settle.sku(), settle.replyTo()));
    }
  }
}
