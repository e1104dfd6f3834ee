package tai.autonomics.bench.support.anchors;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The executor cases' anchor: a fixed {@link ThreadPoolExecutor} with as many threads as the executor's pool can
 * reach (pool + overflow) and a bounded queue of the same capacity, whose tasks only hold their worker for the
 * simulated latency. No receipts, no actor, no retries: what the ActionExecutor adds on top of this is its own cost.
 * It measures, as the executor does, queue wait (submit to a worker taking the task) and busy worker time.
 */
public final class BarePool implements AutoCloseable {
  private final int workers;
  private final ThreadPoolExecutor pool;
  private final Histogram queueWait = new ConcurrentHistogram(3);
  private final LongAdder busyNanos = new LongAdder();

  public BarePool(int workers, int queueCapacity) {
    this.workers = workers;
    this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity), runnable -> {
          Thread thread = new Thread(runnable, "bare-pool-worker");
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    pool.prestartAllCoreThreads();
  }

  public int workers() {
    return workers;
  }

  /** One task that holds a worker for {@code latency}; completes true when done, false when the queue was full. */
  public CompletionStage<Boolean> submit(Duration latency) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    long submitted = System.nanoTime();
    try {
      pool.execute(() -> {
        long started = System.nanoTime();
        queueWait.recordValue(Math.max(1, started - submitted));
        hold(started + latency.toNanos());
        busyNanos.add(System.nanoTime() - started);
        done.complete(true);
      });
    } catch (RejectedExecutionException full) {
      done.complete(false);
    }
    return done;
  }

  /** Holds the worker until {@code until}, or until the pool is shut down (the worker interrupted). */
  private static void hold(long until) {
    for (long left = until - System.nanoTime(); left > 0 && !Thread.currentThread().isInterrupted();
        left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** Queue waits recorded so far, in nanoseconds (a copy). */
  public Histogram queueWaits() {
    return queueWait.copy();
  }

  public void resetQueueWaits() {
    queueWait.reset();
  }

  public double busySeconds() {
    return busyNanos.sum() / 1e9;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
