package tai.autonomics.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner's command line: the seed's suite names and options. */
class BenchRunnerTest {
  @Test
  void defaultsToAllSuitesInTheFullProfile() {
    BenchOptions options = BenchOptions.parse(new String[] {});
    assertEquals(List.of("http", "governor", "ledger", "executor", "stress"), options.suites());
    assertEquals("full", options.profile());
    assertEquals(3600, options.timeoutSeconds());
  }

  @Test
  void quickRunsEverySuiteScaledDown() {
    BenchOptions options = BenchOptions.parse(new String[] {"quick", "--report", "--verbose"});
    assertEquals(5, options.suites().size());
    assertEquals("quick", options.profile());
    assertTrue(options.report() && options.verbose());
  }

  @Test
  void oneSuiteWithOptions() {
    BenchOptions options = BenchOptions.parse(new String[] {"ledger", "--profile", "quick", "--timeout", "90",
        "--baseline", "base.json", "--results", "out", "--no-assert"});
    assertEquals(List.of("ledger"), options.suites());
    assertEquals(90, options.timeoutSeconds());
    assertEquals(Path.of("base.json"), options.baseline());
    assertEquals(Path.of("out"), options.results());
    assertTrue(!options.assertTargets());
  }

  @Test
  void aTargetIsForTheHttpAndStressSuites() {
    assertEquals("http://127.0.0.1:8080", BenchOptions.parse(new String[] {"http", "--target", "http://127.0.0.1:8080"})
        .target());
    assertThrows(IllegalArgumentException.class,
        () -> BenchOptions.parse(new String[] {"ledger", "--target", "http://127.0.0.1:8080"}));
    assertThrows(IllegalArgumentException.class,
        () -> BenchOptions.parse(new String[] {"http", "--target", "127.0.0.1:8080"}));
  }

  @Test
  void suitesJoinedByCommasRunTogether() {
    assertEquals(List.of("ledger", "governor"), BenchOptions.parse(new String[] {"ledger,governor"}).suites());
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"ledger,nope"}));
  }

  @Test
  void theReportTargetRunsNothingAndWritesMarkdown() {
    BenchOptions options = BenchOptions.parse(new String[] {"report", "--markdown", "docs/P.md"});
    assertEquals(List.of(), options.suites());
    assertEquals(Path.of("docs/P.md"), options.markdown());
    assertEquals(null, BenchOptions.parse(new String[] {"ledger"}).markdown());
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"everything"}));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--profile", "huge"}));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--timeout"}));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--fast"}));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--markdown"}));
  }
}
