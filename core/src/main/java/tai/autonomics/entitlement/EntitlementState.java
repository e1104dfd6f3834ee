package tai.autonomics.entitlement;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle of an entitlement, as Google Cloud Marketplace names it (docs/API.md, Marketplace). */
public enum EntitlementState {
  PENDING,
  ACTIVE,
  PENDING_PLAN_CHANGE,
  PENDING_CANCELLATION,
  SUSPENDED,
  CANCELLED,
  DELETED;

  /**
   * Whether the tenant is served. A pending plan change or cancellation still serves the current plan until the
   * Marketplace completes it.
   */
  public boolean isActive() {
    return this == ACTIVE || this == PENDING_PLAN_CHANGE || this == PENDING_CANCELLATION;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EntitlementState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
