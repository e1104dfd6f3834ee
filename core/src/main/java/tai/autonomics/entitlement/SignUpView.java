package tai.autonomics.entitlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tai.autonomics.CborSerializable;

/**
 * A sign-up as the operator sees it on {@code GET /tenants/{id}} while its account's approval is in flight: the
 * {@code accounts.approve} ({@code signup}) the outbox still has to get through to Google ({@link OutboxSignUps}).
 * Gone once the link is closed (approved, or refused by Google).
 *
 * @param step {@code call} while it waits for Google's answer
 * @param stuck it failed a round, or waited longer than {@code stuck-after}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignUpView(
    @JsonProperty("account_id") String accountId,
    @JsonProperty("step") String step,
    @JsonProperty("call") String call,
    @JsonProperty("reason") String reason,
    @JsonProperty("since") long since,
    @JsonProperty("failed_rounds") int failedRounds,
    @JsonProperty("last_error") String lastError,
    @JsonProperty("stuck") boolean stuck) implements CborSerializable {

  static SignUpView of(OutboxJob job, long now, long stuckAfterMillis) {
    return new SignUpView(job.accountId(), job.step().wireName(), job.call(), job.reason(), job.since(),
        job.rounds(), job.lastError(), job.stuck(now, stuckAfterMillis));
  }
}
