package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool's wait queue on its own: capacity, the checkout-timeout rule, and the order actions leave it in. */
class WaitQueueTest {
  private static final long MS = 1_000_000;

  private final List<ActionExecutor.Execute> timedOut = new ArrayList<>();
  private final List<Long> timedOutAt = new ArrayList<>();
  private final WaitQueue queue = new WaitQueue(
      ActionExecutorTest.settings("queue-capacity = 2, checkout-timeout = 100ms"),
      (waiting, now) -> {
        timedOut.add(waiting.execute());
        timedOutAt.add(now);
      });

  private static ActionExecutor.Execute execute() {
    return new ActionExecutor.Execute(ActionExecutorTest.action("t1", "scale_up"), null);
  }

  /** Queues one action for each arrival time given, in that order. */
  private List<ActionExecutor.Execute> queued(long... arrivals) {
    List<ActionExecutor.Execute> executes = new ArrayList<>();
    for (long arrived : arrivals) {
      ActionExecutor.Execute execute = execute();
      assertTrue(queue.offer(execute, arrived));
      executes.add(execute);
    }
    return executes;
  }

  @Test
  void aFullQueueRefusesWithoutQueueing() {
    queued(0, 0);
    assertFalse(queue.offer(execute(), 0));
    assertEquals(2, queue.size());
  }

  @Test
  void aFreeWorkerGetsTheOldestLiveActionAndTimesOutTheExpiredOnesOnTheWay() {
    List<ActionExecutor.Execute> expiredThenLive = queued(0, 50 * MS);

    WaitQueue.Waiting next = queue.pollLive(100 * MS);

    assertSame(expiredThenLive.get(1), next.execute());
    assertEquals(50 * MS, next.arrived());
    assertEquals(expiredThenLive.subList(0, 1), timedOut);
    assertEquals(List.of(100 * MS), timedOutAt);
    assertTrue(queue.isEmpty());
    assertNull(queue.pollLive(100 * MS));
  }

  @Test
  void expiryTimesOutTheHeadAndSaysWhenTheNextActionWillHaveWaitedTooLong() {
    List<ActionExecutor.Execute> executes = queued(0, 30 * MS);

    assertEquals(Duration.ofMillis(20), queue.expire(110 * MS));
    assertEquals(executes.subList(0, 1), timedOut);
    // never less than a millisecond, so the expiry tick cannot spin
    assertEquals(Duration.ofMillis(1), queue.expire(129_900_000));
    assertNull(queue.expire(130 * MS));
    assertEquals(executes, timedOut);
  }

  @Test
  void drainingHandsOverEveryActionOldestFirst() {
    List<ActionExecutor.Execute> executes = queued(0, 1);
    List<ActionExecutor.Execute> drained = new ArrayList<>();

    queue.drain(waiting -> drained.add(waiting.execute()));

    assertEquals(executes, drained);
    assertTrue(queue.isEmpty());
    assertTrue(timedOut.isEmpty());
  }
}
