package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitPacerTest {
  /** An interval no test run can outlast, so "waits" never turns into "due" by itself. */
  private final CommitPacer pacer =
      new CommitPacer(new LedgerSettings("rocksdb", Path.of("."), true, 100, 10_000, Duration.ofMinutes(5)));

  @Test
  void aLoneAppenderNeverWaits() {
    pacer.commitStarted(1, 1);
    pacer.commitEnded(0);
    assertEquals(0, pacer.waitNanos(1, true));
  }

  @Test
  void underLoadTheNextCommitWaitsForTheInterval() {
    pacer.commitStarted(32, 32);
    assertTrue(pacer.waitNanos(5, true) > 0, "a commit is under way: the next waits");
    pacer.commitEnded(32);
    assertTrue(pacer.waitNanos(32, true) > 0, "half of those who can be back are in");
  }

  @Test
  void aCommitStartsOnceEveryoneWhoCanBeBackIsIn() {
    pacer.commitStarted(32, 32);
    pacer.commitEnded(32);
    assertTrue(pacer.waitNanos(63, true) > 0);
    assertEquals(0, pacer.waitNanos(64, true), "the 32 answered are back, beside the 32 that waited");
  }

  @Test
  void receiptsNobodyAwaitsWaitForTheLongerRecordInterval() {
    CommitPacer records = new CommitPacer(new LedgerSettings("rocksdb", Path.of("."), true, 100, 10_000,
        Duration.ofMillis(1), Duration.ofMinutes(5)));
    records.commitStarted(20, 20);
    records.commitEnded(0);
    assertTrue(records.waitNanos(10, false) > Duration.ofMinutes(4).toNanos());
    assertTrue(records.waitNanos(10, true) <= Duration.ofMillis(1).toNanos(), "an awaited receipt joined them");
  }

  @Test
  void aShorterWaitIsNeededOnlyWhenItEndsBeforeTheOneUnderWay() {
    long now = System.nanoTime();
    pacer.commitStarted(20, 20);
    pacer.waitBegun(now + 4_000_000);
    assertTrue(pacer.waitingNoLaterThan(now + 5_000_000));
    assertEquals(false, pacer.waitingNoLaterThan(now + 1_000_000));
  }

  @Test
  void aFullBatchNeverWaits() {
    pacer.commitStarted(60, 60);
    pacer.commitEnded(60);
    assertEquals(0, pacer.waitNanos(100, true));
  }

  @Test
  void aWaitCutShortByACommitIsRecognisedWhenItsEndArrives() {
    pacer.commitStarted(10, 10);
    long generation = pacer.waitBegun(System.nanoTime() + 1_000_000);
    assertTrue(pacer.waiting());
    pacer.commitStarted(10, 10);
    assertEquals(false, pacer.waitEnded(generation));
    long next = pacer.waitBegun(System.nanoTime() + 1_000_000);
    assertTrue(pacer.waitEnded(next));
  }
}
