package tai.autonomics.bench.load;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;

/**
 * Samples the JVM while a stress case runs: heap in use, GC count and time, process CPU. With {@code gcFirst} each
 * sample is taken right after a full collection ({@code System.gc()}), so it is the live heap, the figure a leak
 * grows; otherwise the heap in use, garbage included. The JVM sampled is the node's: through its platform MBeans
 * (a JMX connection to the node's process, or this JVM's own when the node runs in it, where the heap is then the
 * node's plus the load generator's). A sample that cannot be read (the node stopped) is left out.
 */
public final class ResourceSampler implements AutoCloseable {

  /**
   * One sample. {@code heapUsed} is the live heap: measured after a full collection with {@code gcFirst}, else
   * estimated as the young pools after their last collection plus the old pools as they are now (garbage in the
   * young generation, which the next minor collection frees, is left out). {@code heapInUse} is the raw figure.
   * {@code processCpu} is 0..1 of all cores, negative when the JVM cannot tell.
   */
  public record Sample(double seconds, long heapUsed, long heapInUse, long gcCount, long gcMillis,
      double processCpu) {}

  /** Summary of a sampled window. Growth is the least-squares slope of heap over time, bytes per second. */
  public record Report(List<Sample> samples, long heapFirst, long heapLast, long heapPeak, double heapAverage,
      double heapGrowthPerSecond, long gcCount, long gcMillis, double cpuAverage, double cpuPeak) {}

  private final MemoryMXBean memory;
  private final List<GarbageCollectorMXBean> collectors;
  private final List<MemoryPoolMXBean> pools;
  private final OperatingSystemMXBean os;
  private final boolean gcFirst;
  private final long periodNanos;
  private final long start = System.nanoTime();
  private final long gcCountAtStart;
  private final long gcMillisAtStart;
  private final List<Sample> samples = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;

  private ResourceSampler(MBeanServerConnection jvm, Duration period, boolean gcFirst) throws java.io.IOException {
    this.memory = ManagementFactory.newPlatformMXBeanProxy(jvm, ManagementFactory.MEMORY_MXBEAN_NAME,
        MemoryMXBean.class);
    this.collectors = ManagementFactory.getPlatformMXBeans(jvm, GarbageCollectorMXBean.class);
    this.pools = ManagementFactory.getPlatformMXBeans(jvm, MemoryPoolMXBean.class);
    this.os = ManagementFactory.newPlatformMXBeanProxy(jvm, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
        com.sun.management.OperatingSystemMXBean.class);
    this.periodNanos = period.toNanos();
    this.gcFirst = gcFirst;
    this.gcCountAtStart = gcCount();
    this.gcMillisAtStart = gcMillis();
    processCpu(); // the first reading of the CPU load is meaningless; later ones cover the time since
    sample();
    this.thread = new Thread(this::loop, "resource-sampler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Samples this JVM. */
  public static ResourceSampler start(Duration period, boolean gcFirst) {
    return start(ManagementFactory.getPlatformMBeanServer(), period, gcFirst);
  }

  /** Samples the JVM behind {@code jvm} (its platform MBeans). */
  public static ResourceSampler start(MBeanServerConnection jvm, Duration period, boolean gcFirst) {
    try {
      return new ResourceSampler(jvm, period, gcFirst);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot reach the sampled JVM", e);
    }
  }

  private void loop() {
    try {
      while (running) {
        if (stopped.await(periodNanos, TimeUnit.NANOSECONDS)) {
          break;
        }
        sample();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sample() {
    Sample sample;
    try {
      if (gcFirst) {
        memory.gc();
      }
      long inUse = memory.getHeapMemoryUsage().getUsed();
      sample = new Sample((System.nanoTime() - start) / 1e9, gcFirst ? inUse : retainedHeap(), inUse,
          gcCount() - gcCountAtStart, gcMillis() - gcMillisAtStart, processCpu());
    } catch (RuntimeException unreachable) {
      return; // a remote JVM that stopped answering (UndeclaredThrowableException of an IOException)
    }
    synchronized (samples) {
      samples.add(sample);
    }
  }

  private long retainedHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : pools) {
      if (pool.getType() != MemoryType.HEAP) {
        continue;
      }
      String name = pool.getName();
      boolean young = name.contains("Eden") || name.contains("Survivor");
      MemoryUsage afterGc = young ? pool.getCollectionUsage() : null;
      total += afterGc != null ? afterGc.getUsed() : pool.getUsage().getUsed();
    }
    return total;
  }

  private long gcCount() {
    return collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionCount())).sum();
  }

  private long gcMillis() {
    return collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionTime())).sum();
  }

  private double processCpu() {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuLoad();
    }
    return -1;
  }

  /** Stops sampling (one last sample first) and summarises. */
  public Report stop() {
    running = false;
    stopped.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample();
    List<Sample> taken;
    synchronized (samples) {
      taken = List.copyOf(samples);
    }
    return summarise(taken);
  }

  @Override
  public void close() {
    if (running) {
      stop();
    }
  }

  static Report summarise(List<Sample> taken) {
    if (taken.isEmpty()) {
      throw new IllegalStateException("no sample of the JVM could be read");
    }
    long peak = 0;
    double sum = 0;
    double cpuSum = 0;
    double cpuPeak = 0;
    int cpuCount = 0;
    for (Sample s : taken) {
      peak = Math.max(peak, s.heapUsed());
      sum += s.heapUsed();
      if (s.processCpu() >= 0) {
        cpuSum += s.processCpu();
        cpuPeak = Math.max(cpuPeak, s.processCpu());
        cpuCount++;
      }
    }
    Sample first = taken.get(0);
    Sample last = taken.get(taken.size() - 1);
    return new Report(taken, first.heapUsed(), last.heapUsed(), peak, sum / taken.size(), slope(taken),
        last.gcCount(), last.gcMillis(), cpuCount == 0 ? 0 : cpuSum / cpuCount, cpuPeak);
  }

  /** Least-squares slope of heap over time, bytes per second; 0 with fewer than two samples. */
  public static double slope(List<Sample> taken) {
    int n = taken.size();
    if (n < 2) {
      return 0;
    }
    double meanT = taken.stream().mapToDouble(Sample::seconds).average().orElse(0);
    double meanH = taken.stream().mapToDouble(Sample::heapUsed).average().orElse(0);
    double num = 0;
    double den = 0;
    for (Sample s : taken) {
      num += (s.seconds() - meanT) * (s.heapUsed() - meanH);
      den += (s.seconds() - meanT) * (s.seconds() - meanT);
    }
    return den == 0 ? 0 : num / den;
  }
}
