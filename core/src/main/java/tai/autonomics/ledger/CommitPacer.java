package tai.autonomics.ledger;

/**
 * When the Ledger's next synced commit may start. By default ({@code commit-interval = 0}) as soon as the last one
 * ended: appenders that wait for each answer idle while a commit waits, and that cost more than the fsyncs saved
 * (measured, reference.conf). With a commit interval set, when the last commit served several appends (under load):
 * the next one starts once the commit interval has passed since it started, so that more appends share its fsync
 * (measured: an executor at 10,000 actions/s used a fifth less CPU; committing as soon as as many appends waited as
 * the last commit served kept the batches as small as they were). A lone appender, whose every commit serves only
 * it, never waits. A full batch does not wait.
 *
 * <p>Nor does a batch that holds everyone who can be back: the receipts the last commit answered plus those that
 * waited when it ended. Appenders that wait for their answer before they append again (HTTP clients, governors in a
 * round trip) are then all in, and waiting longer only idles them: an fsync costs the same for 30 receipts as for 60,
 * so 64 such appenders are served in one commit instead of two halves taking turns (measured below, in
 * docs/PERFORMANCE_REPORT.md). Appends that arrive on their own never make that count, and pace as before.
 *
 * <p>Receipts nobody waits for (Records) pace to the longer record commit interval, as long as no awaited receipt
 * joins them; one that does shortens the wait under way.
 *
 * <p>Each commit started opens a new generation, so a wait that a full batch cut short is recognised when its end
 * arrives late. Used only on the Ledger's thread.
 */
final class CommitPacer {
  private final long intervalNanos;
  private final long recordIntervalNanos;
  private final int maxBatch;
  /** A wait is under way: the waiting appends are committed when it ends (or at once if they fill a batch). */
  private boolean waiting;
  /** When the wait under way ends ({@link System#nanoTime}). */
  private long waitingUntil;
  private long lastCommitStart;
  private int lastCommitAppends;
  private int lastCommitWaiters;
  /** The waiters of the last commit plus those waiting when it ended; 0 while a commit runs. */
  private int canBeBack;
  private long commits;

  CommitPacer(LedgerSettings settings) {
    this.intervalNanos = settings.commitInterval().toNanos();
    this.recordIntervalNanos = settings.recordCommitInterval().toNanos();
    this.maxBatch = settings.maxBatch();
  }

  /**
   * How long {@code pending} waiting receipts must wait before their commit starts; 0 or less: start it now.
   * {@code anyAwaited}: someone waits for the answer of one of them.
   */
  long waitNanos(int pending, boolean anyAwaited) {
    if (lastCommitAppends <= 1 || pending >= maxBatch) {
      return 0;
    }
    if (!anyAwaited) {
      // Records arrive on their own, whoever was answered: there is nobody to be back
      return lastCommitStart + recordIntervalNanos - System.nanoTime();
    }
    if (canBeBack > 0 && pending >= canBeBack) {
      return 0;
    }
    return lastCommitStart + intervalNanos - System.nanoTime();
  }

  boolean waiting() {
    return waiting;
  }

  /** Whether a wait under way ends by {@code dueNanos}, so none need begin for it. */
  boolean waitingNoLaterThan(long dueNanos) {
    return waiting && waitingUntil - dueNanos <= 0;
  }

  /** A wait until {@code dueNanos} begins; its end must carry the generation returned. */
  long waitBegun(long dueNanos) {
    waiting = true;
    waitingUntil = dueNanos;
    return commits;
  }

  /** A wait of {@code generation} ended; false when a commit has started since it began, so it is over already. */
  boolean waitEnded(long generation) {
    if (generation != commits) {
      return false;
    }
    waiting = false;
    return true;
  }

  /** A synced commit serving {@code appends} appends ({@code waiters} receipts, duplicates included) starts now. */
  void commitStarted(int appends, int waiters) {
    lastCommitStart = System.nanoTime();
    commits++;
    waiting = false;
    lastCommitAppends = appends;
    lastCommitWaiters = waiters;
    canBeBack = 0;
  }

  /** The synced commit ended and was answered, with {@code pending} receipts waiting for the next one. */
  void commitEnded(int pending) {
    canBeBack = lastCommitWaiters + pending;
  }
}
