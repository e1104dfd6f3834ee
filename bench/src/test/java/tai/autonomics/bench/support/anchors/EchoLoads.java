package tai.autonomics.bench.support.anchors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import tai.autonomics.bench.load.LatencyRecorder;
import tai.autonomics.bench.load.LoadResult;

/** Loads on {@link EchoActor}s that are not a plain closed loop of asks. */
public final class EchoLoads {
  private EchoLoads() {}

  /**
   * The postponement anchor: {@code count} asks stashed by an echo actor on hold, then released at once; each
   * latency from the release, as the case counts from the action's completion.
   */
  public static LoadResult stashedThenReleased(ActorTestKit testKit, ActorRef<EchoActor.Command> echo,
      int count) {
    echo.tell(new EchoActor.Hold(count));
    List<CompletableFuture<Boolean>> replies = new ArrayList<>(count);
    long[] answeredAt = new long[count];
    for (int i = 0; i < count; i++) {
      int index = i;
      replies.add(EchoActor.ask(echo, testKit.system()).toCompletableFuture()
          .whenComplete((ok, failure) -> answeredAt[index] = System.nanoTime()));
    }
    // as in the case, every ask waits in the stash before the release: the count comes back once all are stashed
    int stashed = AskPattern.<EchoActor.Command, Integer>ask(echo,
        EchoActor.Count::new, Duration.ofSeconds(30), testKit.system().scheduler()).toCompletableFuture().join();
    long released = System.nanoTime();
    echo.tell(new EchoActor.Release());
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).exceptionally(failure -> null)
        .orTimeout(60, TimeUnit.SECONDS).join();
    LatencyRecorder recorder = new LatencyRecorder(released, 1_000_000);
    long last = released;
    for (int i = 0; i < count; i++) {
      boolean ok = stashed == count && replies.get(i).isDone() && !replies.get(i).isCompletedExceptionally();
      recorder.record(ok, answeredAt[i] - released, answeredAt[i]);
      last = Math.max(last, answeredAt[i]);
    }
    return LoadResult.of("echo, stashed then released", recorder, last);
  }
}
