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

  @Test
  void aFullQueueRefusesWithoutQueueing() {
    assertTrue(queue.offer(execute(), 0));
    assertTrue(queue.offer(execute(), 0));
    assertFalse(queue.offer(execute(), 0));
    assertEquals(2, queue.size());
  }

  @Test
  void aFreeWorkerGetsTheOldestLiveActionAndTimesOutTheExpiredOnesOnTheWay() {
    ActionExecutor.Execute expired = execute();
    ActionExecutor.Execute live = execute();
    queue.offer(expired, 0);
    queue.offer(live, 50 * MS);

    WaitQueue.Waiting next = queue.pollLive(100 * MS);

    assertSame(live, next.execute());
    assertEquals(50 * MS, next.arrived());
    assertEquals(List.of(expired), timedOut);
    assertEquals(List.of(100 * MS), timedOutAt);
    assertTrue(queue.isEmpty());
    assertNull(queue.pollLive(100 * MS));
  }

  @Test
  void expiryTimesOutTheHeadAndSaysWhenTheNextActionWillHaveWaitedTooLong() {
    ActionExecutor.Execute first = execute();
    queue.offer(first, 0);
    queue.offer(execute(), 30 * MS);

    assertEquals(Duration.ofMillis(20), queue.expire(110 * MS));
    assertEquals(List.of(first), timedOut);
    // never less than a millisecond, so the expiry tick cannot spin
    assertEquals(Duration.ofMillis(1), queue.expire(129_900_000));
    assertNull(queue.expire(130 * MS));
    assertEquals(2, timedOut.size());
  }

  @Test
  void drainingHandsOverEveryActionOldestFirst() {
    ActionExecutor.Execute first = execute();
    ActionExecutor.Execute second = execute();
    queue.offer(first, 0);
    queue.offer(second, 1);
    List<ActionExecutor.Execute> drained = new ArrayList<>();

    queue.drain(waiting -> drained.add(waiting.execute()));

    assertEquals(List.of(first, second), drained);
    assertTrue(queue.isEmpty());
    assertTrue(timedOut.isEmpty());
  }
}
