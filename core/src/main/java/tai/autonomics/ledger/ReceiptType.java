package tai.autonomics.ledger;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of receipt the ledger holds; their JSON names are the lowercase wire names of docs/RECEIPTS.md. */
public enum ReceiptType {
  TRANSITION,
  REFUSAL,
  ENTITLEMENT,
  ACTION_ATTEMPT,
  ACTION_RESULT,
  /** A push the edge acknowledged without deciding it: kept in the node's own chain (docs/API.md, dead letters). */
  DEAD_LETTER,
  /** A policy pack's canonical content, written once per version in a reserved chain (docs/POLICY.md, replay). */
  POLICY,
  /** A Marketplace decision or a call to Google's Partner Procurement API and its result (docs/RECEIPTS.md). */
  PROCUREMENT_CALL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Receipts written by a governor: their {@code state_to} is a governor state, so a restart can restore it. */
  public boolean carriesGovernorState() {
    return this == TRANSITION || this == REFUSAL;
  }
}
