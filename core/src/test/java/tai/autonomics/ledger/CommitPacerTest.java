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
    assertEquals(0, pacer.waitNanos(1));
  }

  @Test
  void underLoadTheNextCommitWaitsForTheInterval() {
    pacer.commitStarted(32, 32);
    assertTrue(pacer.waitNanos(5) > 0, "a commit is under way: the next waits");
    pacer.commitEnded(32);
    assertTrue(pacer.waitNanos(32) > 0, "half of those who can be back are in");
  }

  @Test
  void aCommitStartsOnceEveryoneWhoCanBeBackIsIn() {
    pacer.commitStarted(32, 32);
    pacer.commitEnded(32);
    assertTrue(pacer.waitNanos(63) > 0);
    assertEquals(0, pacer.waitNanos(64), "the 32 answered are back, beside the 32 that waited");
  }

  @Test
  void aFullBatchNeverWaits() {
    pacer.commitStarted(60, 60);
    pacer.commitEnded(60);
    assertEquals(0, pacer.waitNanos(100));
  }

  @Test
  void aWaitCutShortByACommitIsRecognisedWhenItsEndArrives() {
    pacer.commitStarted(10, 10);
    long generation = pacer.waitBegun();
    assertTrue(pacer.waiting());
    pacer.commitStarted(10, 10);
    assertEquals(false, pacer.waitEnded(generation));
    long next = pacer.waitBegun();
    assertTrue(pacer.waitEnded(next));
  }
}
