package tai.autonomics.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import tai.autonomics.entitlement.EntitlementEvent;
import tai.autonomics.entitlement.Entitlements;
import tai.autonomics.entitlement.MarketplaceCommand;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.Ledger;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.AskAnswers;
import tai.autonomics.node.Node;

/**
 * What the routes may ask of the node, without actor code in the routes: one ask per request, its timeout from
 * {@code autonomics.http.ask-timeout}, and store reads (straight from the store, no actor hop) run on the
 * {@code autonomics.http.blocking-dispatcher}: a RocksDB read is a JNI call that may wait for the disk.
 */
public final class NodeGateway {
  private final ActorSystem<?> system;
  private final Node node;
  private final Duration timeout;
  private final Executor blocking;

  private final Executor dispatcher;

  public NodeGateway(ActorSystem<?> system, Node node, Duration timeout) {
    this.system = system;
    this.node = node;
    this.timeout = timeout;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("autonomics.http.blocking-dispatcher"));
    this.dispatcher = system.executionContext();
  }

  /** The answer of an ask continued on the default dispatcher (see {@link AskAnswers} for why). */
  <T> CompletionStage<T> onDispatcher(CompletionStage<T> answer) {
    return AskAnswers.on(answer, dispatcher);
  }

  /** The signal's receipt once durable; fails with {@code overloaded} or a timeout when the node is saturated. */
  public CompletionStage<Receipt> signal(tai.autonomics.policy.Signal signal) {
    return onDispatcher(AskPattern.askWithStatus(node.governors(),
        replyTo -> new Governors.Deliver(signal.tenantId(), new Governor.ProcessSignal(signal, replyTo)),
        timeout, system.scheduler()));
  }

  /** An operator's control for the tenant's governor (pause, resume, clear quarantine): its receipt once durable. */
  public CompletionStage<Receipt> control(String tenantId,
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.pattern.StatusReply<Receipt>>,
          Governor.Command> command) {
    return onDispatcher(AskPattern.askWithStatus(node.governors(),
        replyTo -> new Governors.Deliver(tenantId, command.apply(replyTo)), timeout, system.scheduler()));
  }

  /**
   * Appends a receipt the edge itself writes (a dead letter); answered once durable, saying whether it was written or
   * found stored under its MessageKey (a redelivery), or fails like a signal.
   */
  public CompletionStage<Ledger.Appended> record(Receipt draft) {
    return onDispatcher(AskPattern.askWithStatus(node.ledger(), replyTo -> new Ledger.AppendOrFind(draft, replyTo),
        timeout, system.scheduler()));
  }

  /**
   * Writes the {@code policy} record of every version among {@code packs} that the ledger does not hold yet (it
   * answers a version it holds with its record); completes once they are durable.
   */
  public CompletionStage<List<Receipt>> recordPolicies(tai.autonomics.policy.PolicyPacks packs) {
    return onDispatcher(AskPattern.askWithStatus(node.ledger(),
        replyTo -> new Ledger.AppendBatch(tai.autonomics.policy.PolicyRecords.drafts(packs), replyTo),
        timeout, system.scheduler()));
  }

  public CompletionStage<Entitlements.Result> apply(EntitlementEvent event) {
    return onDispatcher(AskPattern.ask(node.entitlements(), replyTo -> new Entitlements.Apply(event, replyTo),
        timeout, system.scheduler()));
  }

  public CompletionStage<Entitlements.Status> entitlement(String tenantId) {
    return onDispatcher(AskPattern.ask(node.entitlements(), replyTo -> new Entitlements.Check(tenantId, replyTo),
        timeout, system.scheduler()));
  }

  /** The tenant's entitlements with what Google said of them and their pending approvals, and its sign-ups. */
  public CompletionStage<MarketplaceCommand.Overview> entitlements(String tenantId) {
    return onDispatcher(AskPattern.ask(node.entitlements(),
        replyTo -> new MarketplaceCommand.Describe(tenantId, replyTo), timeout, system.scheduler()));
  }

  /** An operator's settlement of a held approval: the decision's receipt once durable. */
  public CompletionStage<Receipt> settle(String tenantId, String entitlementId, boolean approve, String operator,
      String sku) {
    return onDispatcher(AskPattern.askWithStatus(node.entitlements(),
        replyTo -> new MarketplaceCommand.Settle(tenantId, entitlementId, approve, operator, sku, replyTo), timeout,
        system.scheduler()));
  }

  /** A verified sign-up: the receipt linking the account to its tenant, once it (and its approval's job) is durable. */
  public CompletionStage<Receipt> signUp(String accountId) {
    return onDispatcher(AskPattern.askWithStatus(node.entitlements(),
        replyTo -> new MarketplaceCommand.SignUp(accountId, replyTo), timeout, system.scheduler()));
  }

  /** The governor's view; starts the governor when it is not running (callers check the tenant exists first). */
  public CompletionStage<Governor.View> governor(String tenantId) {
    return onDispatcher(AskPattern.ask(node.governors(),
        replyTo -> new Governors.Deliver(tenantId, new Governor.GetState(replyTo)), timeout, system.scheduler()));
  }

  public CompletionStage<Optional<Receipt>> receipt(String id) {
    return read(() -> node.store().get(id));
  }

  /** Asks the disk only when the store's in-memory filters cannot rule the message out (a repeat, mostly). */
  public CompletionStage<Optional<Receipt>> receiptForMessage(MessageKey messageId) {
    if (!node.store().mayContainMessageId(messageId)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return read(() -> node.store().findByMessageId(messageId));
  }

  /** An id with U+0000 is no tenant's (no decoder accepts one, and PostgreSQL could not look it up): no receipts. */
  public CompletionStage<List<Receipt>> page(String tenantId, long afterSeq, int limit) {
    if (SignalDecoder.holdsNul(tenantId)) {
      return CompletableFuture.completedFuture(List.of());
    }
    return read(() -> node.store().page(tenantId, afterSeq, limit));
  }

  /**
   * Where the tenant's chain ends. An id no decoder accepts (blank, longer than 256 characters, with U+0000) is no
   * tenant's but may be a reserved chain's (the dead letters, the policy records): none, so the tenant routes answer
   * 404 for it and never start a governor on it.
   */
  public CompletionStage<Optional<ReceiptStore.TenantHead>> head(String tenantId) {
    if (!SignalDecoder.isName(tenantId)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return read(() -> node.store().head(tenantId));
  }

  public CompletionStage<ChainVerifier.Result> verify(String tenantId) {
    if (SignalDecoder.holdsNul(tenantId)) {
      return CompletableFuture.completedFuture(new ChainVerifier.Result(true, 0, null, null, null, null));
    }
    return read(() -> ChainVerifier.verifyTenant(node.store(), tenantId));
  }

  /** Runs {@code work} on the blocking dispatcher (store reads, JWKS fetches, metric scrapes). */
  public <T> CompletionStage<T> read(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, blocking);
  }

  public Node node() {
    return node;
  }
}
