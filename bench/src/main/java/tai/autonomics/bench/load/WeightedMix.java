package tai.autonomics.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A request that is one of several kinds, drawn by weight ("30 % health, 50 % pubsub, 20 % marketplace"), keeping
 * latencies and outcomes per kind as well, so a mixed run tells which kind was slow or failing.
 */
public final class WeightedMix implements Request {

  /** Per-kind outcome of a mixed run; latencies in nanoseconds. */
  public static final class KindStats {
    private final Histogram latencies = new ConcurrentHistogram(3);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public Histogram latencies() {
      return latencies;
    }

    public long ok() {
      return ok.get();
    }

    public long errors() {
      return errors.get();
    }
  }

  private record Kind(String name, double cumulative, Request request) {}

  private final List<Kind> kinds;
  private final double totalWeight;
  private final Map<String, KindStats> stats = new LinkedHashMap<>();

  private WeightedMix(List<Kind> kinds, double totalWeight) {
    this.kinds = kinds;
    this.totalWeight = totalWeight;
    kinds.forEach(kind -> stats.put(kind.name(), new KindStats()));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects kinds and their weights. */
  public static final class Builder {
    private final List<Kind> kinds = new ArrayList<>();
    private double total;

    public Builder add(String name, double weight, Request request) {
      if (weight <= 0) {
        throw new IllegalArgumentException("weight of " + name + " must be positive");
      }
      total += weight;
      kinds.add(new Kind(name, total, request));
      return this;
    }

    public WeightedMix build() {
      if (kinds.isEmpty()) {
        throw new IllegalStateException("a mix needs at least one kind");
      }
      return new WeightedMix(List.copyOf(kinds), total);
    }
  }

  @Override
  public java.util.concurrent.CompletionStage<Boolean> send() {
    double draw = ThreadLocalRandom.current().nextDouble(totalWeight);
    Kind chosen = kinds.get(kinds.size() - 1);
    for (Kind kind : kinds) {
      if (draw < kind.cumulative()) {
        chosen = kind;
        break;
      }
    }
    KindStats kindStats = stats.get(chosen.name());
    long start = System.nanoTime();
    return chosen.request().send().whenComplete((ok, failure) -> {
      if (failure == null && Boolean.TRUE.equals(ok)) {
        kindStats.latencies.recordValue(Math.max(1, System.nanoTime() - start));
        kindStats.ok.incrementAndGet();
      } else {
        kindStats.errors.incrementAndGet();
      }
    });
  }

  /** Weights as shares of 1, by kind. */
  public Map<String, Double> shares() {
    Map<String, Double> out = new LinkedHashMap<>();
    double previous = 0;
    for (Kind kind : kinds) {
      out.put(kind.name(), (kind.cumulative() - previous) / totalWeight);
      previous = kind.cumulative();
    }
    return out;
  }

  public Map<String, KindStats> stats() {
    return stats;
  }
}
