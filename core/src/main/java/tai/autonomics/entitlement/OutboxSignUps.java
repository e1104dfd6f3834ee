package tai.autonomics.entitlement;

import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.Receipt;

/**
 * The sign-ups of the {@link ProcurementOutbox} (docs/OPERATIONS.md, Sign-up flow): a verified sign-up becomes a job
 * that calls {@code accounts.approve} ({@code signup}) like any other of the outbox, retried, bounded and drained by
 * the one outbox. The buyer is answered once the job's link to its tenant is durable, not once Google answered; at
 * start a link no close followed resumes its job. A repeated approve is harmless: Google's approve of an approved
 * account changes nothing. Used by that actor alone, on its thread.
 */
final class OutboxSignUps {

  /**
   * The account signed up for {@code tenantId}; {@code replyTo} gets the link's receipt once it is durable (errors
   * {@code overloaded}, {@code ledger_unavailable}). Null {@code replyTo}: the link was found in the ledger at start.
   */
  record SignUp(String accountId, String tenantId, ActorRef<StatusReply<Receipt>> replyTo)
      implements ProcurementOutbox.Command {}

  /** The link of {@code job} was written ({@code ok}) or not. */
  record Linked(OutboxJob job, boolean ok) implements ProcurementOutbox.Command {}

  private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);

  private final ActorContext<ProcurementOutbox.Command> context;
  private final ActorRef<Ledger.Command> ledger;
  private final OutboxBook jobs;
  private final int capacity;
  private final Function<OutboxJob, Behavior<ProcurementOutbox.Command>> start;

  OutboxSignUps(ActorContext<ProcurementOutbox.Command> context, ActorRef<Ledger.Command> ledger, OutboxBook jobs,
      int capacity, Function<OutboxJob, Behavior<ProcurementOutbox.Command>> start) {
    this.context = context;
    this.ledger = ledger;
    this.jobs = jobs;
    this.capacity = capacity;
    this.start = start;
  }

  /**
   * A new sign-up writes its link (a repeat while the account's job runs writes one too, and the job goes on); one
   * found in the ledger starts its job unless one runs.
   */
  Behavior<ProcurementOutbox.Command> onSignUp(SignUp signUp) {
    OutboxJob job = OutboxJob.signUp(signUp.accountId(), signUp.tenantId(), System.currentTimeMillis());
    if (signUp.replyTo() == null) {
      return jobs.get(job.id()) == null ? start.apply(job) : Behaviors.same();
    }
    if (jobs.get(job.id()) == null && jobs.size() >= capacity) {
      signUp.replyTo().tell(StatusReply.error("overloaded"));
      return Behaviors.same();
    }
    context.askWithStatus(Receipt.class, ledger, LEDGER_TIMEOUT,
        replyTo -> new Ledger.Append(ProcurementReceipts.signUpLink(job), replyTo),
        (receipt, failure) -> {
          signUp.replyTo().tell(failure == null ? StatusReply.success(receipt)
              : StatusReply.error("ledger_unavailable"));
          return new Linked(job, failure == null);
        });
    return Behaviors.same();
  }

  Behavior<ProcurementOutbox.Command> onLinked(Linked linked) {
    return linked.ok() && jobs.get(linked.job().id()) == null ? start.apply(linked.job()) : Behaviors.same();
  }

  /**
   * The job's last call is recorded: its link is closed, so a restart no longer resumes it. The close is not waited
   * for: one lost only repeats the (harmless) approve after a restart. True when Google approved the account.
   */
  boolean closed(OutboxJob done) {
    ledger.tell(new Ledger.Append(ProcurementReceipts.signUpClosed(done), context.getSystem().ignoreRef()));
    if (done.call() == null) {
      context.getLog().warn("sign-up of account {}: {}", done.accountId(), done.reason());
      return false;
    }
    context.getLog().info("sign-up: procurement account {} approved (signup)", done.accountId());
    return true;
  }
}
