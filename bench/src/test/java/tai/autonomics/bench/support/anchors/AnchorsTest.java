package tai.autonomics.bench.support.anchors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.support.Bursts;

/** The anchors do what the cases compare against: write and read back, answer, queue and refuse. */
class AnchorsTest {
  private static final ActorTestKit testKit = ActorTestKit.create("anchors-test");

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static RawRocks.Records records(int count) {
    byte[][] keys = new byte[count][];
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = ("key-" + i).getBytes(StandardCharsets.UTF_8);
      values[i] = ("value-" + i).getBytes(StandardCharsets.UTF_8);
    }
    return new RawRocks.Records(keys, values);
  }

  @Test
  void rawRocksReadsBackWhatItsPutsAndBatchesWroteAndCountsAMissAsAnError() {
    try (RawRocks raw = RawRocks.open(dir.resolve("raw"))) {
      RawRocks.Records written = records(100);
      assertEquals(50, raw.puts("puts", 50, false, written).ok());
      LoadResult batches = raw.batches("batches", 2, 5, 10, true, new RawRocks.Records(
          java.util.Arrays.copyOfRange(written.keys(), 50, 100), java.util.Arrays.copyOfRange(written.values(), 50,
          100)));
      assertEquals(5, batches.ok());
      long[] inOrder = java.util.stream.LongStream.range(0, 100).toArray();
      LoadResult reads = raw.gets("gets", 100, written, inOrder);
      assertEquals(100, reads.ok(), "50 single puts and 5 batches of 10 cover the 100 keys");
      LoadResult misses = raw.gets("misses", 3, records(103), new long[] {100, 101, 102});
      assertEquals(3, misses.errors());
      assertTrue(raw.settledBytes() > 0);
    }
  }

  @Test
  void barePoolQueuesUpToItsCapacityThenRefuses() throws Exception {
    try (BarePool pool = new BarePool(1, 1)) {
      List<CompletableFuture<Boolean>> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        answers.add(pool.submit(Duration.ofSeconds(30)).toCompletableFuture());
      }
      // one worker holds a task for 30 s and the queue holds one more: every other submit is refused at once
      long refused = 0;
      for (CompletableFuture<Boolean> answer : answers) {
        if (answer.isDone()) {
          assertFalse(answer.get());
          refused++;
        }
      }
      assertTrue(refused >= 8, refused + " refused");
    }
  }

  @Test
  void barePoolRecordsEveryQueueWaitAndTheBusyTime() throws Exception {
    try (BarePool pool = new BarePool(2, 10)) {
      LoadResult burst = Bursts.fire("burst", 6, 30, () -> pool.submit(Duration.ofMillis(1)));
      assertEquals(6, burst.ok());
      assertEquals(6, pool.queueWaits().getTotalCount());
      assertTrue(pool.busySeconds() >= 6 * 0.001, "each task held its worker for at least its latency");
      pool.resetQueueWaits();
      assertEquals(0, pool.queueWaits().getTotalCount());
    }
  }

  @Test
  void burstsCountFailuresAndAnswersThatNeverCome() {
    List<CompletableFuture<Boolean>> never = new ArrayList<>();
    int[] n = {0};
    LoadResult burst = Bursts.fire("mixed", 4, 1, () -> switch (n[0]++) {
      case 0 -> CompletableFuture.completedFuture(true);
      case 1 -> CompletableFuture.completedFuture(false);
      case 2 -> CompletableFuture.failedFuture(new IllegalStateException("refused"));
      default -> {
        CompletableFuture<Boolean> pending = new CompletableFuture<>();
        never.add(pending);
        yield pending;
      }
    });
    assertEquals(1, burst.ok());
    assertEquals(3, burst.errors());
    never.forEach(pending -> pending.complete(true));
    assertEquals(4, burst.total(), "an answer after the timeout is not counted twice");
  }

  @Test
  void echoAnswersAndHeldPingsAreAnsweredOnlyOnRelease() {
    ActorRef<EchoActor.Command> echo = testKit.spawn(EchoActor.create());
    assertTrue(EchoActor.ask(echo, testKit.system()).toCompletableFuture().join());
    echo.tell(new EchoActor.Hold(10));
    TestProbe<Boolean> replies = testKit.createTestProbe();
    echo.tell(new EchoActor.Ping(replies.ref()));
    echo.tell(new EchoActor.Ping(replies.ref()));
    TestProbe<Integer> count = testKit.createTestProbe();
    echo.tell(new EchoActor.Count(count.ref()));
    count.expectMessage(2);
    replies.expectNoMessage(Duration.ofMillis(100));
    echo.tell(new EchoActor.Release());
    replies.expectMessage(true);
    replies.expectMessage(true);
    LoadResult stashed = EchoLoads.stashedThenReleased(testKit, testKit.spawn(EchoActor.create()), 50);
    assertEquals(50, stashed.ok());
  }

  @Test
  void spawningEchoAnswersEachPingFromAFreshChild() {
    ActorRef<EchoActor.Command> spawner = testKit.spawn(EchoActor.spawning());
    for (int i = 0; i < 3; i++) {
      assertTrue(EchoActor.ask(spawner, testKit.system()).toCompletableFuture().join());
    }
  }
}
