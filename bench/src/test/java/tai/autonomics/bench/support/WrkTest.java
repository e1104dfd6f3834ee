package tai.autonomics.bench.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** wrk's report as the calibration reads it, and the node.jar the process mode needs. */
class WrkTest {
  private static final String REPORT = """
      Running 3s test @ http://127.0.0.1:28111/hello
        2 threads and 10 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency     1.02ms    2.10ms  30.11ms   92.10%%
          Req/Sec     6.01k     1.20k    8.00k    70.00%%
        Latency Distribution
           50%%  %s
           75%%    1.01ms
           90%%    2.20ms
           99%%   11.01ms
        36000 requests in 3.00s, 4.50MB read
      Requests/sec:  11995.34
      Transfer/sec:      1.50MB
      """;

  @Test
  void readsRateAndMedianInAnyUnit() {
    Wrk.Result micros = Wrk.parse(REPORT.formatted("619.00us"));
    assertEquals(11995.34, micros.requestsPerSecond(), 1e-9);
    assertEquals(619.0, micros.p50Micros(), 1e-9);
    assertEquals(2_650.0, Wrk.parse(REPORT.formatted("2.65ms")).p50Micros(), 1e-9);
    assertEquals(1_200_000.0, Wrk.parse(REPORT.formatted("1.20s")).p50Micros(), 1e-9);
    assertThrows(IllegalStateException.class, () -> Wrk.parse("unable to connect to 127.0.0.1:1"));
  }

  @Test
  void aMissingNodeJarSaysHowToBuildIt() {
    String before = System.getProperty("bench.node.jar");
    System.setProperty("bench.node.jar", "/nonexistent/node.jar");
    try {
      IllegalStateException refused = assertThrows(IllegalStateException.class, BenchNode::nodeJar);
      assertTrue(refused.getMessage().contains("mvn -B -q -DskipTests package"), refused.getMessage());
      assertTrue(refused.getMessage().contains("-Dbench.node=in-process"), refused.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("bench.node.jar");
      } else {
        System.setProperty("bench.node.jar", before);
      }
    }
  }
}
