package tai.autonomics.executor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The pool's bounded FIFO of actions waiting for a free worker, with the checkout-timeout rule: an action that has
 * waited the whole checkout timeout is no longer handed to a worker but to {@link TimedOut} (the pool fails it as
 * {@code pool_timeout}), whether a free worker or the pool's expiry tick comes across it first.
 *
 * <p>A plain mutable object used only on the pool actor's thread: it changes on every message, and copying it
 * would cost O(queue) per action.
 */
final class WaitQueue {

  record Waiting(ActionExecutor.Execute execute, long arrived) {}

  /** Told of each action that outwaited the checkout timeout; {@code now} is when that was found. */
  interface TimedOut {
    void timedOut(Waiting waiting, long now);
  }

  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final int capacity;
  private final long checkoutTimeout;
  private final TimedOut timedOut;

  WaitQueue(ExecutorSettings settings, TimedOut timedOut) {
    this.capacity = settings.queueCapacity();
    this.checkoutTimeout = settings.checkoutTimeout().toNanos();
    this.timedOut = timedOut;
  }

  /** Queues {@code execute} unless the queue is full, in which case it is left to the caller to refuse. */
  boolean offer(ActionExecutor.Execute execute, long now) {
    if (queue.size() >= capacity) {
      return false;
    }
    queue.add(new Waiting(execute, now));
    return true;
  }

  /** The oldest action that has not yet outwaited the checkout timeout; older ones are timed out on the way. */
  Waiting pollLive(long now) {
    Waiting next;
    while ((next = queue.poll()) != null) {
      if (now - next.arrived() < checkoutTimeout) {
        return next;
      }
      timedOut.timedOut(next, now);
    }
    return null;
  }

  /**
   * Times out the actions at the head that outwaited the checkout timeout; returns when the next one will have (at
   * least a millisecond, so the expiry tick never spins), or null when nothing waits.
   */
  Duration expire(long now) {
    while (!queue.isEmpty() && now - queue.peek().arrived() >= checkoutTimeout) {
      timedOut.timedOut(queue.poll(), now);
    }
    if (queue.isEmpty()) {
      return null;
    }
    long left = checkoutTimeout - (now - queue.peek().arrived());
    return Duration.ofNanos(Math.max(left, 1_000_000));
  }

  /** Empties the queue, oldest first, handing each action to {@code each}. */
  void drain(Consumer<Waiting> each) {
    queue.forEach(each);
    queue.clear();
  }

  int size() {
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }
}
