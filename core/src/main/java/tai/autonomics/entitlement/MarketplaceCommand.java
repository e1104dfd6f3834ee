package tai.autonomics.entitlement;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.CborSerializable;
import tai.autonomics.ledger.Receipt;

/**
 * The part of the {@link Entitlements} protocol that serves the Marketplace (the operator's view and settlements,
 * sign-ups), kept in its own file so that the actor's stays within the project's size; handled by
 * {@link EntitlementsMarketplace}, answered at once in every state.
 */
public sealed interface MarketplaceCommand extends Entitlements.Command {

  /**
   * The tenant's entitlements with what Google said of them and their pending approvals, and its sign-ups whose
   * account approval is in flight (GET /tenants/{id}).
   */
  record Describe(String tenantId, ActorRef<Overview> replyTo) implements MarketplaceCommand {}

  /** The answer to {@link Describe}: a record, so that it crosses the network in cluster mode. */
  record Overview(List<EntitlementView> entitlements, List<SignUpView> signUps) implements CborSerializable {
    public Overview {
      entitlements = List.copyOf(entitlements);
      signUps = List.copyOf(signUps);
    }
  }

  /**
   * An operator settles a held approval: approve (on {@code sku}, null for the plan's) or reject at Google. The
   * answer is the decision's receipt; errors {@code not_found}, {@code not_held}, {@code procurement_disabled}.
   */
  record Settle(String tenantId, String entitlementId, boolean approve, String operator, String sku,
      ActorRef<StatusReply<Receipt>> replyTo) implements MarketplaceCommand {}

  /**
   * A verified sign-up of a Procurement account: the outbox approves its {@code signup} approval at Google. The
   * answer is the receipt that links the account to its tenant, once durable; errors {@code overloaded},
   * {@code ledger_unavailable}, {@code procurement_disabled}. Once Google approved, the account's entitlements
   * waiting for that are decided again.
   */
  record SignUp(String accountId, ActorRef<StatusReply<Receipt>> replyTo) implements MarketplaceCommand {}
}
