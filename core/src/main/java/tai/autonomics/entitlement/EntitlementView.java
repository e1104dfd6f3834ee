package tai.autonomics.entitlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import tai.autonomics.CborSerializable;

/**
 * One entitlement as the operator sees it on {@code GET /tenants/{id}}: the entitlement, what Google said of it
 * (plan, offer dates, when known since the node started or from the receipts of its pending work), and the approval
 * still pending, if any.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntitlementView(
    @JsonProperty("entitlement") Entitlement entitlement,
    @JsonProperty("google") Map<String, String> google,
    @JsonProperty("pending_approval") PendingApproval pendingApproval) implements CborSerializable {

  static EntitlementView of(Entitlement entitlement, Map<String, String> google, OutboxJob job, long now,
      long stuckAfterMillis) {
    PendingApproval pending = job == null ? null : new PendingApproval(job.step().wireName(), job.call(),
        job.plan(), job.sku(), job.reason(), job.since(), job.rounds(), job.lastError(),
        job.stuck(now, stuckAfterMillis));
    return new EntitlementView(entitlement, google, pending);
  }

  /**
   * Work still to do for Google: {@code step} is {@code decide}, {@code call}, {@code held} (an operator settles it)
   * or {@code awaiting_account}; {@code stuck} when it failed a round or waited longer than {@code stuck-after}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PendingApproval(
      @JsonProperty("step") String step,
      @JsonProperty("call") String call,
      @JsonProperty("plan") String plan,
      @JsonProperty("sku") String sku,
      @JsonProperty("reason") String reason,
      @JsonProperty("since") long since,
      @JsonProperty("failed_rounds") int failedRounds,
      @JsonProperty("last_error") String lastError,
      @JsonProperty("stuck") boolean stuck) implements CborSerializable {}
}
