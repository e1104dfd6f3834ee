package tai.autonomics.executor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The pool's account of its workers: how many are alive, which are idle and since when, which are busy with what
 * action at which attempt, and which overflow workers have idled long enough to retire. It starts and stops no
 * actor itself; the pool does, and tells the book.
 *
 * <p>A plain mutable object used only on the pool actor's thread: it changes on every message, and copying it would
 * cost O(workers) per action.
 */
final class WorkerBook {

  /** A checked-out worker's action; {@code attempts} is how many attempts a failure now would have made. */
  record Busy(ActionExecutor.Execute execute, int attempts) {}

  private record Idle(ActorRef<ActionWorker.Command> worker, long since) {}

  private final int poolSize;
  private final long idleTimeout;
  // most recently freed first, so the least recently used workers are the ones that idle out
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();
  private final Map<ActorRef<ActionWorker.Command>, Busy> busy = new HashMap<>();
  private int workers;

  WorkerBook(ExecutorSettings settings) {
    this.poolSize = settings.poolSize();
    this.idleTimeout = settings.overflowIdleTimeout().toNanos();
  }

  void started() {
    workers++;
  }

  /** The most recently freed idle worker, now no longer idle, or null when none is. */
  ActorRef<ActionWorker.Command> pollIdle() {
    Idle next = idle.poll();
    return next != null ? next.worker() : null;
  }

  void idle(ActorRef<ActionWorker.Command> worker, long now) {
    idle.push(new Idle(worker, now));
  }

  void checkedOut(ActorRef<ActionWorker.Command> worker, ActionExecutor.Execute execute) {
    busy.put(worker, new Busy(execute, 1));
  }

  /** Whether {@code worker} was busy; a worker the book no longer knows as busy (a stale report) is not freed. */
  boolean freed(ActorRef<ActionWorker.Command> worker) {
    return busy.remove(worker) != null;
  }

  void retrying(ActorRef<ActionWorker.Command> worker, int attempt) {
    busy.computeIfPresent(worker, (w, b) -> new Busy(b.execute(), attempt));
  }

  /** Forgets a worker that stopped; returns what it was running, or null if it was idle. */
  Busy stopped(ActorRef<ActionWorker.Command> worker) {
    workers--;
    idle.removeIf(entry -> entry.worker().equals(worker));
    return busy.remove(worker);
  }

  /** Whether there are overflow workers (beyond pool-size), which retire once idle for overflow-idle-timeout. */
  boolean overflowing() {
    return workers > poolSize;
  }

  /**
   * The least recently used idle worker, if the pool is overflowing and it has been idle for the whole timeout; it
   * is forgotten here and the pool stops it. Null when none is due.
   */
  ActorRef<ActionWorker.Command> retireDue(long now) {
    if (!overflowing() || idle.isEmpty() || now - idle.peekLast().since() < idleTimeout) {
      return null;
    }
    workers--;
    return idle.pollLast().worker();
  }

  /** When the next idle worker may be due to retire (at least a millisecond, so the retire tick never spins). */
  Duration untilNextRetirement(long now) {
    long left = idle.isEmpty() ? idleTimeout : idleTimeout - (now - idle.peekLast().since());
    return Duration.ofNanos(Math.max(left, 1_000_000));
  }

  /** Forgets every busy worker's action, handing each to {@code each}. */
  void drainBusy(Consumer<Busy> each) {
    busy.values().forEach(each);
    busy.clear();
  }

  int workers() {
    return workers;
  }

  int busy() {
    return busy.size();
  }

  int idle() {
    return idle.size();
  }
}
