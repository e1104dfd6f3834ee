package tai.autonomics.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tai.autonomics.entitlement.OutboxJob.Step;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.procurement.ProcurementAccount;
import tai.autonomics.procurement.ProcurementEntitlement;

/** The decision as a pure function, the outbox's receipts and the way back from them, the settings' checks. */
class ProcurementDecisionTest {
  private static final MarketplaceSettings HOLD = settings("hold");
  private static final MarketplaceSettings REJECT = settings("reject");
  private static final Entitlement PENDING = new Entitlement("t1", "e1", "base", EntitlementState.PENDING, "a1",
      null);
  private static final Entitlement CHANGING = new Entitlement("t1", "e1", "professional",
      EntitlementState.PENDING_PLAN_CHANGE, "a1", "enterprise");

  private static MarketplaceSettings settings(String unknownPlan) {
    return MarketplaceSettings.create(ConfigFactory.parseString("autonomics.entitlements.marketplace {"
        + " unknown-plan = " + unknownPlan + ", sku-for-plan { standard = professional, \"gold.v2\" = enterprise } }")
        .withFallback(ConfigFactory.defaultReference()));
  }

  private static ProcurementEntitlement google(String plan, String pendingPlan) {
    return new ProcurementEntitlement("providers/p/entitlements/e1", "providers/p/accounts/a1", "p", "product",
        "product", plan, pendingPlan, null, "ENTITLEMENT_ACTIVATION_REQUESTED", "usage-e1", "2026-12-01T10:00:00Z",
        null, "2027-12-01T10:00:00Z", null, null, null);
  }

  private static ProcurementAccount account(String approval) {
    return new ProcurementAccount("providers/p/accounts/a1", "p", "ACCOUNT_ACTIVATION_REQUESTED",
        List.of(new ProcurementAccount.Approval("signup", approval, null, null)), null, null);
  }

  private static OutboxJob decide(Entitlement entitlement, ProcurementEntitlement got, ProcurementAccount account,
      MarketplaceSettings settings) {
    return ProcurementDecision.decide(OutboxJob.decide("e1", entitlement, 1), got, account, settings, 2);
  }

  @Test
  void aCreationIsApprovedWhenTheAccountIsApprovedAndThePlanMapsToASku() {
    OutboxJob next = decide(PENDING, google("standard", null), account("APPROVED"), HOLD);
    assertEquals(Step.CALL, next.step());
    assertEquals(ProcurementDecision.APPROVE, next.call());
    assertEquals("professional", next.sku());
    assertEquals("standard", next.plan());
    assertEquals("2027-12-01T10:00:00Z", next.facts().get("offer_end_time"));
    assertEquals("usage-e1", next.facts().get("usage_reporting_id"));
    assertEquals("enterprise", decide(PENDING, google("gold.v2", null), account("APPROVED"), HOLD).sku(),
        "a plan name with a dot is one key");
  }

  @Test
  void anAccountNotApprovedWaitsAndAnUnknownPlanIsHeldOrRejectedPerConfig() {
    assertEquals(Step.AWAITING_ACCOUNT, decide(PENDING, google("standard", null), account("PENDING"), HOLD).step());
    assertEquals(Step.AWAITING_ACCOUNT, decide(PENDING, google("standard", null), null, HOLD).step());
    OutboxJob held = decide(PENDING, google("mystery", null), account("APPROVED"), HOLD);
    assertEquals(Step.HELD, held.step());
    assertTrue(held.reason().startsWith("unknown_plan"));
    OutboxJob rejected = decide(PENDING, google("mystery", null), account("APPROVED"), REJECT);
    assertEquals(ProcurementDecision.REJECT, rejected.call());
    assertNull(rejected.sku());
  }

  @Test
  void aPlanChangeIsApprovedWithThePendingPlanWhenItMapsToASku() {
    OutboxJob next = decide(CHANGING, google("standard", "gold.v2"), null, HOLD);
    assertEquals(ProcurementDecision.APPROVE_PLAN_CHANGE, next.call());
    assertEquals("gold.v2", next.plan(), "Google's pendingPlanName, not the SKU");
    assertEquals(ProcurementDecision.REJECT_PLAN_CHANGE,
        decide(CHANGING, google("standard", "mystery"), null, REJECT).call());
    assertEquals(Step.DONE, decide(CHANGING, google("standard", null), null, HOLD).step());
  }

  @Test
  void anOperatorSettlesOnTheSkuGivenOrThePlansOrTheDefault() {
    OutboxJob held = decide(PENDING, google("mystery", null), account("APPROVED"), HOLD);
    assertEquals("enterprise", ProcurementDecision.settle(held, true, "ops", "enterprise", 3).sku());
    assertEquals(EntitlementTransitions.DEFAULT_SKU, ProcurementDecision.settle(held, true, "ops", null, 3).sku());
    OutboxJob reject = ProcurementDecision.settle(held, false, "ops", null, 3);
    assertEquals(ProcurementDecision.REJECT, reject.call());
    assertTrue(reject.reason().contains("operator ops"));
  }

  @Test
  void aJobResumesWhereItsLatestReceiptOfTheChainLeftIt() {
    Receipt request = sealed(Receipt.draft(ReceiptType.ENTITLEMENT, "t1").entitlement("e1", "base").build(), 5);
    OutboxJob start = OutboxJob.decide("e1", PENDING, 1);
    assertEquals(Step.DECIDE, ProcurementReceipts.restore(PENDING, request, List.of()).step());
    OutboxJob decided = decide(PENDING, google("standard", null), account("APPROVED"), HOLD);
    Receipt decision = sealed(ProcurementReceipts.step(start, decided, decided.call(), decided.reason(), null,
        Map.of("outcome", "decided")), 6);
    Receipt other = sealed(Receipt.draft(ReceiptType.PROCUREMENT_CALL, "t1").action("e9", "x").states("call", "done")
        .build(), 7);
    OutboxJob resumed = ProcurementReceipts.restore(PENDING, request, List.of(decision, other));
    assertEquals(Step.CALL, resumed.step());
    assertEquals(ProcurementDecision.APPROVE, resumed.call());
    assertEquals("professional", resumed.sku());
    assertEquals("standard", resumed.facts().get("plan"));
    OutboxJob done = decided.next(Step.DONE, null, "standard", "professional", "Google accepted", 8);
    Receipt result = sealed(ProcurementReceipts.step(decided, done, decided.call(), done.reason(), 1,
        Map.of("outcome", "ok")), 8);
    assertEquals(Step.DONE, ProcurementReceipts.restore(PENDING, request, List.of(decision, result)).step());
  }

  @Test
  void wrongSettingsNameTheirKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings("maybe"));
    assertTrue(e.getMessage().contains("autonomics.entitlements.marketplace.unknown-plan"));
    for (int round = 1; round < 40; round++) {
      long delay = HOLD.retryDelayMillis(round, 1.0);
      assertTrue(delay >= 1 && delay <= HOLD.retryMax().toMillis(), "round " + round + ": " + delay);
    }
    assertEquals(HOLD.retryMin().toMillis() / 2, HOLD.retryDelayMillis(1, 0.0));
  }

  private static Receipt sealed(Receipt draft, long seq) {
    return draft.sealed("id-" + seq, seq, Receipt.GENESIS_HASH, "h" + seq);
  }
}
