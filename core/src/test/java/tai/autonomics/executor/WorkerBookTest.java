package tai.autonomics.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** The pool's account of its workers on its own: check-out order, attempts, and which overflow worker retires when. */
class WorkerBookTest {
  private static final long MS = 1_000_000;

  private final WorkerBook book = new WorkerBook(
      ActionExecutorTest.settings("pool-size = 1, max-overflow = 2, overflow-idle-timeout = 100ms"));

  private static ActorRef<ActionWorker.Command> worker(String name) {
    return TestInbox.<ActionWorker.Command>create(name).getRef();
  }

  private static ActionExecutor.Execute execute() {
    return new ActionExecutor.Execute(ActionExecutorTest.action("t1", "scale_up"), null);
  }

  @Test
  void theMostRecentlyFreedWorkerIsCheckedOutFirst() {
    ActorRef<ActionWorker.Command> older = worker("older");
    ActorRef<ActionWorker.Command> newer = worker("newer");
    book.started();
    book.started();
    book.idle(older, 0);
    book.idle(newer, 10 * MS);

    assertSame(newer, book.pollIdle());
    assertSame(older, book.pollIdle());
    assertNull(book.pollIdle());
    assertEquals(2, book.workers());
  }

  @Test
  void aBusyWorkerCountsItsAttemptsAndIsFreedOnlyOnce() {
    ActorRef<ActionWorker.Command> w = worker("w");
    ActionExecutor.Execute execute = execute();
    book.started();
    book.checkedOut(w, execute);
    book.retrying(w, 3);
    List<WorkerBook.Busy> lost = new ArrayList<>();

    book.drainBusy(lost::add);

    assertEquals(List.of(new WorkerBook.Busy(execute, 3)), lost);
    assertFalse(book.freed(w));
    book.checkedOut(w, execute);
    assertEquals(1, book.busy());
    assertTrue(book.freed(w));
    assertFalse(book.freed(w));
    // a report from a worker that is not busy changes nothing
    book.retrying(w, 2);
    assertEquals(0, book.busy());
  }

  @Test
  void aStoppedWorkerIsForgottenWithWhatItWasRunning() {
    ActorRef<ActionWorker.Command> idle = worker("idle");
    ActorRef<ActionWorker.Command> busy = worker("busy");
    ActionExecutor.Execute execute = execute();
    book.started();
    book.started();
    book.idle(idle, 0);
    book.checkedOut(busy, execute);

    assertNull(book.stopped(idle));
    assertEquals(new WorkerBook.Busy(execute, 1), book.stopped(busy));
    assertEquals(0, book.workers());
    assertEquals(0, book.idle());
    assertEquals(0, book.busy());
  }

  @Test
  void onlyOverflowWorkersIdleForTheWholeTimeoutRetireLeastRecentlyUsedFirst() {
    ActorRef<ActionWorker.Command> first = worker("first");
    ActorRef<ActionWorker.Command> second = worker("second");
    ActorRef<ActionWorker.Command> third = worker("third");
    book.started();
    book.started();
    book.started();
    book.idle(first, 0);
    book.idle(second, 50 * MS);
    book.idle(third, 60 * MS);
    assertTrue(book.overflowing());

    assertNull(book.retireDue(99 * MS));
    assertEquals(Duration.ofMillis(1), book.untilNextRetirement(99 * MS));
    assertSame(first, book.retireDue(100 * MS));
    assertNull(book.retireDue(100 * MS));
    assertEquals(Duration.ofMillis(50), book.untilNextRetirement(100 * MS));
    assertSame(second, book.retireDue(200 * MS));
    // down to pool-size: the last worker stays however long it idles
    assertFalse(book.overflowing());
    assertNull(book.retireDue(1_000 * MS));
    assertEquals(1, book.workers());
    assertEquals(1, book.idle());
  }
}
