package tai.autonomics.procurement;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Google's {@code Account} resource (the Partner Procurement API's {@code providers.accounts} reference): the
 * customer's account with the provider and its approvals, of which {@code signup} is the one a sign-up grants.
 *
 * @param name {@code providers/{provider}/accounts/{accountId}}
 * @param state e.g. {@code ACCOUNT_ACTIVATION_REQUESTED}, {@code ACCOUNT_ACTIVE}
 */
public record ProcurementAccount(String name, String provider, String state, List<Approval> approvals,
    String createTime, String updateTime) {

  /** One approval: {@code state} is {@code PENDING}, {@code APPROVED} or {@code REJECTED}. */
  public record Approval(String name, String state, String reason, String updateTime) {}

  public ProcurementAccount {
    approvals = List.copyOf(approvals);
  }

  static ProcurementAccount of(JsonNode json) {
    List<Approval> approvals = new ArrayList<>();
    JsonNode list = json.path("approvals");
    for (JsonNode approval : list) {
      approvals.add(new Approval(ProcurementEntitlement.text(approval, "name"),
          ProcurementEntitlement.text(approval, "state"), ProcurementEntitlement.text(approval, "reason"),
          ProcurementEntitlement.text(approval, "updateTime")));
    }
    return new ProcurementAccount(ProcurementEntitlement.text(json, "name"),
        ProcurementEntitlement.text(json, "provider"), ProcurementEntitlement.text(json, "state"), approvals,
        ProcurementEntitlement.text(json, "createTime"), ProcurementEntitlement.text(json, "updateTime"));
  }

  /** The account id, the last segment of {@code name}. */
  public String id() {
    return ProcurementEntitlement.lastSegment(name);
  }

  /** Whether the named approval (e.g. {@code signup}) is {@code APPROVED}. */
  public boolean approved(String approvalName) {
    return approvals.stream().anyMatch(a -> approvalName.equals(a.name()) && "APPROVED".equals(a.state()));
  }
}
