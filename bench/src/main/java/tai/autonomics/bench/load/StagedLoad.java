package tai.autonomics.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ramps and bursts as a sequence of closed-model stages ("10 workers for 12 s, then 20 for 12 s, ..."; "10 for
 * 10 s, 100 for 30 s, 10 for 10 s"). Each stage is its own result; one recorder spans all of them so the time series
 * is continuous across the stage changes.
 */
public final class StagedLoad {

  public record Stage(String label, int workers, Duration duration) {}

  public record Result(LoadResult overall, List<LoadResult> stages) {}

  private StagedLoad() {}

  /** A staircase from {@code fromWorkers} to {@code toWorkers} in {@code steps} equal steps over {@code total}. */
  public static List<Stage> ramp(int fromWorkers, int toWorkers, int steps, Duration total) {
    List<Stage> stages = new ArrayList<>(steps);
    Duration each = total.dividedBy(steps);
    for (int i = 0; i < steps; i++) {
      int workers = steps == 1 ? toWorkers
          : fromWorkers + (int) Math.round((double) (toWorkers - fromWorkers) * i / (steps - 1));
      stages.add(new Stage("ramp-" + workers, workers, each));
    }
    return stages;
  }

  public static Result run(String label, List<Stage> stages, Request request, Duration interval) {
    long start = System.nanoTime();
    LatencyRecorder overall = new LatencyRecorder(start, interval.toNanos());
    List<LoadResult> results = new ArrayList<>(stages.size());
    for (Stage stage : stages) {
      ClosedLoad.Settings settings = ClosedLoad.Settings.of(stage.label(), stage.workers(), stage.duration())
          .interval(interval).grace(Duration.ofSeconds(15));
      results.add(ClosedLoad.run(settings, request, List.of(overall)));
    }
    return new Result(LoadResult.of(label, overall, System.nanoTime()), results);
  }
}
