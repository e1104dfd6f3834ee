package tai.autonomics.bench.load;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Closed-model load: {@code workers} independent loops, each sending its next request when its last one was
 * answered, until the duration is over or the request budget (total and per worker) is spent. Latency is from
 * send to answer. The loops are asynchronous chains, not threads: a hundred workers cost no hundred threads, and a
 * completion sends the next request on the thread that completed it (see {@link Run.Continuation}).
 *
 * <p>Bounded twice: no request starts after the deadline, and the run waits at most {@code grace} past it for the
 * answers still on the way; those that never come count as errors.
 */
public final class ClosedLoad {

  /**
   * @param maxRequests total budget over all workers
   * @param maxPerWorker budget of each worker ("10 writers x 1000 appends")
   * @param interval width of the intervals of the time series
   */
  public record Settings(String label, int workers, Duration duration, long maxRequests, long maxPerWorker,
      Duration interval, Duration grace) {

    public static Settings of(String label, int workers, Duration duration) {
      return new Settings(label, workers, duration, Long.MAX_VALUE, Long.MAX_VALUE, defaultInterval(duration),
          Duration.ofSeconds(30));
    }

    public Settings maxRequests(long total) {
      return new Settings(label, workers, duration, total, maxPerWorker, interval, grace);
    }

    public Settings perWorker(long each) {
      return new Settings(label, workers, duration, maxRequests, each, interval, grace);
    }

    public Settings interval(Duration width) {
      return new Settings(label, workers, duration, maxRequests, maxPerWorker, width, grace);
    }

    public Settings grace(Duration wait) {
      return new Settings(label, workers, duration, maxRequests, maxPerWorker, interval, wait);
    }

    static Duration defaultInterval(Duration duration) {
      // about 40 points over the run, at least 100 ms, at most 1 s
      long millis = Math.max(100, Math.min(1000, duration.toMillis() / 40));
      return Duration.ofMillis(millis);
    }
  }

  private ClosedLoad() {}

  public static LoadResult run(Settings settings, Request request) {
    return run(settings, worker -> request, List.of());
  }

  /** Runs the load with a request of its own per worker ({@code worker} = 0 .. workers-1). */
  public static LoadResult run(Settings settings, IntFunction<Request> perWorker) {
    return run(settings, perWorker, List.of());
  }

  /** Runs the load; every answer is also recorded into {@code alsoInto} (a ramp's overall recorder). */
  public static LoadResult run(Settings settings, Request request, List<LatencyRecorder> alsoInto) {
    return run(settings, worker -> request, alsoInto);
  }

  private static LoadResult run(Settings settings, IntFunction<Request> perWorker, List<LatencyRecorder> alsoInto) {
    long start = System.nanoTime();
    LatencyRecorder recorder = new LatencyRecorder(start, settings.interval().toNanos());
    long deadline = start + settings.duration().toNanos();
    Run run = new Run(settings, perWorker, recorder, alsoInto, deadline);
    run.begin();
    long end = run.await(deadline + settings.grace().toNanos());
    return LoadResult.of(settings.label(), recorder, end);
  }

  private static final class Run {
    private final Settings settings;
    private final Request[] requests;
    private final LatencyRecorder recorder;
    private final List<LatencyRecorder> alsoInto;
    private final long deadline;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final CountDownLatch finished;
    private final ExecutorService driver;
    private final AtomicLong lastAnswer = new AtomicLong();

    Run(Settings settings, IntFunction<Request> perWorker, LatencyRecorder recorder, List<LatencyRecorder> alsoInto,
        long deadline) {
      this.settings = settings;
      this.requests = new Request[settings.workers()];
      for (int i = 0; i < requests.length; i++) {
        requests[i] = perWorker.apply(i);
      }
      this.recorder = recorder;
      this.alsoInto = alsoInto;
      this.deadline = deadline;
      this.finished = new CountDownLatch(settings.workers());
      this.driver = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "load-driver-" + settings.label());
        thread.setDaemon(true);
        return thread;
      });
      this.lastAnswer.set(recorder.startNanos());
    }

    void begin() {
      for (int worker = 0; worker < settings.workers(); worker++) {
        int id = worker;
        driver.execute(() -> next(id, 0));
      }
    }

    private void next(int worker, long sentByWorker) {
      long now = System.nanoTime();
      if (now >= deadline || sentByWorker >= settings.maxPerWorker()
          || issued.incrementAndGet() > settings.maxRequests()) {
        finished.countDown();
        return;
      }
      inFlight.incrementAndGet();
      CompletionStage<Boolean> answer;
      try {
        answer = requests[worker].send();
      } catch (RuntimeException e) {
        answer = java.util.concurrent.CompletableFuture.completedFuture(false);
      }
      Continuation then = new Continuation(worker, sentByWorker + 1, now);
      answer.whenComplete(then);
      then.registered = true;
    }

    /**
     * Records an answer and sends the worker's next request on the thread that completed it (the client's event
     * loop: no hand-off per request); only an answer that came before the callback was even registered (a request
     * that failed at once) goes through the driver pool, so chains never recurse.
     */
    private final class Continuation implements java.util.function.BiConsumer<Boolean, Throwable> {
      private final int worker;
      private final long sent;
      private final long startNanos;
      volatile boolean registered;

      Continuation(int worker, long sent, long startNanos) {
        this.worker = worker;
        this.sent = sent;
        this.startNanos = startNanos;
      }

      @Override
      public void accept(Boolean ok, Throwable failure) {
        long end = System.nanoTime();
        boolean success = failure == null && Boolean.TRUE.equals(ok);
        recorder.record(success, end - startNanos, end);
        for (LatencyRecorder other : alsoInto) {
          other.record(success, end - startNanos, end);
        }
        lastAnswer.accumulateAndGet(end, Math::max);
        inFlight.decrementAndGet();
        if (registered) {
          next(worker, sent);
        } else {
          driver.execute(() -> next(worker, sent));
        }
      }
    }

    long await(long hardEnd) {
      try {
        long nextReport = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Progress.PERIOD_MILLIS);
        while (!finished.await(Math.max(0, Math.min(nextReport, hardEnd) - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          long now = System.nanoTime();
          if (now >= hardEnd) {
            break;
          }
          if (now >= nextReport) {
            Progress.report(settings.label(), now - recorder.startNanos(), settings.duration(), recorder);
            nextReport = now + TimeUnit.MILLISECONDS.toNanos(Progress.PERIOD_MILLIS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      driver.shutdownNow();
      long lost = inFlight.get();
      long end = Math.max(lastAnswer.get(), Math.min(System.nanoTime(), deadline));
      for (long i = 0; i < lost; i++) {
        // answers that never came within the grace period are errors, not silently dropped samples
        recorder.record(false, 0, end);
      }
      return end;
    }
  }
}
