package tai.autonomics.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/** Prints "[k/n] suite.case" as each case starts, and how it ended with its time, plus the total elapsed. */
final class ProgressListener implements TestExecutionListener {
  private final boolean verbose;
  private final long start = System.nanoTime();
  private final Map<String, String> notRun = new LinkedHashMap<>();
  private long total;
  private int index;
  private int failed;
  private long caseStart;

  ProgressListener(boolean verbose) {
    this.verbose = verbose;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    total = plan.countTestIdentifiers(TestIdentifier::isTest);
    System.out.printf("%d cases%n", total);
  }

  @Override
  public void executionStarted(TestIdentifier id) {
    if (id.isTest()) {
      index++;
      caseStart = System.nanoTime();
      System.out.printf("[%d/%d] %s  (elapsed %.0f s)%n", index, total, name(id), (caseStart - start) / 1e9);
    }
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      index++;
      notRun.put(name(id), reason);
      System.out.printf("[%d/%d] %s  NOT RUN: %s%n", index, total, name(id), reason);
    } else if (id.isContainer()) {
      System.out.printf("suite %s NOT RUN: %s%n", id.getDisplayName(), reason);
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    Optional<Throwable> thrown = result.getThrowable();
    if (id.isTest()) {
      double seconds = (System.nanoTime() - caseStart) / 1e9;
      switch (result.getStatus()) {
        case SUCCESSFUL -> System.out.printf("      passed in %.1f s%n", seconds);
        case ABORTED -> {
          notRun.put(name(id), thrown.map(Throwable::getMessage).orElse("aborted"));
          System.out.printf("      NOT RUN (%s)%n", thrown.map(Throwable::getMessage).orElse("aborted"));
        }
        case FAILED -> {
          failed++;
          System.out.printf("      FAILED in %.1f s: %s%n", seconds, thrown.map(Throwable::getMessage).orElse(""));
          if (verbose) {
            thrown.ifPresent(Throwable::printStackTrace);
          }
        }
      }
    } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && thrown.isPresent()) {
      failed++;
      System.out.printf("suite %s FAILED: %s%n", id.getDisplayName(), thrown.get());
    }
  }

  private static String name(TestIdentifier id) {
    return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
        .map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName())
        .orElse(id.getDisplayName());
  }

  int failed() {
    return failed;
  }

  Map<String, String> notRun() {
    return notRun;
  }
}
