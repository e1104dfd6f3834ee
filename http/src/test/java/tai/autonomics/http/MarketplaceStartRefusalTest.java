package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Procurement client and the sign-up page cannot be switched on half-configured: the node process refuses to
 * start with exit 2 and a message that names the key to set.
 */
class MarketplaceStartRefusalTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "autonomics.procurement.enabled=on, autonomics.procurement.provider-id",
      "autonomics.http.signup.enabled=on, autonomics.http.signup.partner-domain"})
  void aHalfConfiguredMarketplaceStopsTheNodeAtStart(String property, String key) throws Exception {
    try (NodeProcess node = NodeProcess.start(0, dir, property)) {
      Integer exit = node.awaitExit(60);
      assertNotNull(exit, "the node did not exit");
      assertEquals(NodeLauncher.INVALID_CONFIGURATION, exit, node::output);
      assertTrue(node.output().contains("invalid configuration: " + key), node::output);
    }
  }
}
