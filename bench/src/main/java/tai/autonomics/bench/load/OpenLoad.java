package tai.autonomics.bench.load;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-model load at a constant arrival rate: request {@code i} is due at {@code start + i / rate}, whether or not
 * earlier ones were answered, and its latency is measured from that intended start, not from when it was really
 * sent. A system that falls behind therefore shows its queueing in the latencies instead of hiding it by slowing
 * the load down (coordinated omission; the correction wrk2 makes).
 *
 * <p>In-flight requests are bounded ({@code maxInFlight}); at the bound the pacer waits, and the wait shows in the
 * latencies of the requests it delays. Bounded in count ({@code rate x duration}, {@code maxRequests}) and time
 * (no send after the deadline plus grace).
 */
public final class OpenLoad {

  public record Settings(String label, double ratePerSecond, Duration duration, long maxRequests, int maxInFlight,
      Duration interval, Duration grace) {

    public static Settings of(String label, double ratePerSecond, Duration duration) {
      return new Settings(label, ratePerSecond, duration, Long.MAX_VALUE, 1000,
          ClosedLoad.Settings.defaultInterval(duration), Duration.ofSeconds(30));
    }

    public Settings maxRequests(long total) {
      return new Settings(label, ratePerSecond, duration, total, maxInFlight, interval, grace);
    }

    public Settings maxInFlight(int bound) {
      return new Settings(label, ratePerSecond, duration, maxRequests, bound, interval, grace);
    }

    public Settings grace(Duration wait) {
      return new Settings(label, ratePerSecond, duration, maxRequests, maxInFlight, interval, wait);
    }
  }

  private OpenLoad() {}

  public static LoadResult run(Settings settings, Request request) {
    long start = System.nanoTime();
    LatencyRecorder recorder = new LatencyRecorder(start, settings.interval().toNanos());
    long planned = Math.min(settings.maxRequests(),
        (long) Math.floor(settings.ratePerSecond() * settings.duration().toNanos() / 1e9));
    double periodNanos = 1e9 / settings.ratePerSecond();
    long hardEnd = start + settings.duration().toNanos() + settings.grace().toNanos();
    AtomicLong inFlight = new AtomicLong();
    AtomicLong lastAnswer = new AtomicLong(start);
    AtomicLong answered = new AtomicLong();
    long sent = 0;
    long nextReport = start + TimeUnit.MILLISECONDS.toNanos(Progress.PERIOD_MILLIS);
    for (long i = 0; i < planned; i++) {
      long intended = start + (long) (i * periodNanos);
      long now = waitUntil(intended, hardEnd);
      while (inFlight.get() >= settings.maxInFlight() && now < hardEnd) {
        LockSupport.parkNanos(50_000);
        now = System.nanoTime();
      }
      if (now >= hardEnd) {
        break;
      }
      if (now >= nextReport) {
        Progress.report(settings.label(), now - start, settings.duration(), recorder);
        nextReport = now + TimeUnit.MILLISECONDS.toNanos(Progress.PERIOD_MILLIS);
      }
      inFlight.incrementAndGet();
      sent++;
      CompletionStage<Boolean> answer;
      try {
        answer = request.send();
      } catch (RuntimeException e) {
        answer = CompletableFuture.completedFuture(false);
      }
      answer.whenComplete((ok, failure) -> {
        long end = System.nanoTime();
        recorder.record(failure == null && Boolean.TRUE.equals(ok), end - intended, end);
        lastAnswer.accumulateAndGet(end, Math::max);
        inFlight.decrementAndGet();
        answered.incrementAndGet();
      });
    }
    while (answered.get() < sent && System.nanoTime() < hardEnd) {
      LockSupport.parkNanos(1_000_000);
    }
    long lost = sent - answered.get();
    long end = Math.max(lastAnswer.get(), start + 1);
    for (long i = 0; i < lost; i++) {
      recorder.record(false, 0, end);
    }
    return LoadResult.of(settings.label(), recorder, end);
  }

  private static long waitUntil(long target, long hardEnd) {
    long now = System.nanoTime();
    while (now < target && now < hardEnd) {
      LockSupport.parkNanos(Math.min(target - now, 1_000_000));
      now = System.nanoTime();
    }
    return now;
  }
}
