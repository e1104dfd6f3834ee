package tai.autonomics.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Push authentication cannot be configured open, nor the ack policy misspelt: the node process refuses to start
 * with exit 2 ({@link NodeLauncher#INVALID_CONFIGURATION}) and a message that names the key to set.
 */
class StartRefusalTest {
  private static final String PUSH = "autonomics.http.push-auth.";
  private static final String MARKET = "autonomics.http.marketplace-auth.";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} empty")
  @CsvSource({
      "autonomics.http.push-auth.audience",
      "autonomics.http.push-auth.marketplace-audience",
      "autonomics.http.push-auth.service-account-email",
      "autonomics.http.marketplace-auth.audience",
      "autonomics.http.marketplace-auth.issuers",
      "autonomics.http.pubsub.poison"})
  void anOpenOrMisspeltSettingStopsTheNodeAtStart(String key) throws Exception {
    List<String> properties = new ArrayList<>(List.of(
        PUSH + "enabled=on", PUSH + "jwks-file=/nonexistent/jwks.json", PUSH + "audience=https://n/pubsub",
        PUSH + "marketplace-audience=https://n/marketplace", PUSH + "service-account-email=p@x.iam.gserviceaccount.com",
        MARKET + "enabled=on", MARKET + "jwks-file=/nonexistent/jwks.json", MARKET + "audience=tai",
        MARKET + "issuers.0=https://issuer.example.com", "autonomics.http.pubsub.poison=acknowledge"));
    properties.removeIf(property -> property.startsWith(key + "=") || property.startsWith(key + ".0="));
    properties.add(key.endsWith("poison") ? key + "=acknowledge-all" : key.endsWith("issuers") ? "" : key + "=");
    properties.removeIf(String::isEmpty);
    try (NodeProcess node = NodeProcess.start(0, dir, properties.toArray(String[]::new))) {
      Integer exit = node.awaitExit(60);
      assertNotNull(exit, "the node did not exit");
      assertEquals(NodeLauncher.INVALID_CONFIGURATION, exit, node::output);
      assertTrue(node.output().contains(key), node::output);
    }
  }
}
