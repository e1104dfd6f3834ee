package tai.autonomics.bench.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import tai.autonomics.bench.load.LatencyRecorder;
import tai.autonomics.bench.load.LoadResult;
import tai.autonomics.bench.load.Request;

/**
 * A true burst: {@code size} requests sent at once from one thread, without pacing, each latency counted from the
 * burst's start (the moment they all arrived, for a reader), so a queue that forms behind the burst shows in full.
 * Bounded: answers that have not come within {@code timeoutSeconds} count as errors.
 */
public final class Bursts {
  private Bursts() {}

  public static LoadResult fire(String label, int size, long timeoutSeconds, Request request) {
    long start = System.nanoTime();
    LatencyRecorder recorder = new LatencyRecorder(start, 10_000_000L);
    AtomicLong last = new AtomicLong(start);
    CompletableFuture<?>[] answers = new CompletableFuture<?>[size];
    AtomicIntegerArray counted = new AtomicIntegerArray(size);
    for (int i = 0; i < size; i++) {
      int index = i;
      CompletableFuture<Boolean> answer;
      try {
        answer = request.send().toCompletableFuture();
      } catch (RuntimeException e) {
        answer = CompletableFuture.completedFuture(false);
      }
      answers[i] = answer.handle((ok, failure) -> {
        long end = System.nanoTime();
        if (counted.compareAndSet(index, 0, 1)) {
          recorder.record(failure == null && Boolean.TRUE.equals(ok), end - start, end);
          last.accumulateAndGet(end, Math::max);
        }
        return null;
      });
    }
    try {
      CompletableFuture.allOf(answers).get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception timedOutOrInterrupted) {
      if (timedOutOrInterrupted instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      long end = System.nanoTime();
      for (int i = 0; i < size; i++) {
        if (counted.compareAndSet(i, 0, 1)) {
          recorder.record(false, 0, end);
        }
      }
      last.accumulateAndGet(end, Math::max);
    }
    return LoadResult.of(label, recorder, last.get());
  }
}
