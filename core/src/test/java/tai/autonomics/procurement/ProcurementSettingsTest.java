package tai.autonomics.procurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcurementSettingsTest {
  @TempDir
  Path dir;

  private static Config config(String procurement) {
    return ConfigFactory.parseString("autonomics.procurement {" + procurement + "}")
        .withFallback(ConfigFactory.load());
  }

  @Test
  void offByDefaultSoTheNodeRunsWithoutGoogle() {
    assertFalse(ProcurementSettings.create(ConfigFactory.load()).enabled());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "procurement-off", ConfigFactory.load());
    try {
      assertTrue(Procurement.get(system).client().isEmpty());
    } finally {
      system.terminate();
    }
  }

  @Test
  void aWrongValueNamesItsKey() throws Exception {
    Path key = Files.writeString(dir.resolve("key.json"), "{}");
    String valid = "enabled = on, provider-id = p1, credentials-file = \"" + key + "\"";
    assertEquals("p1", ProcurementSettings.create(config(valid)).providerId());
    assertMessage("autonomics.procurement.provider-id", "enabled = on, credentials-file = \"" + key + "\"");
    assertMessage("autonomics.procurement.credentials-file", "enabled = on, provider-id = p1");
    assertMessage("autonomics.procurement.base-url", valid + ", base-url = \"ftp://x\"");
    assertMessage("autonomics.procurement.max-attempts", valid + ", max-attempts = 0");
    assertMessage("autonomics.procurement.backoff-max", valid + ", backoff-min = 2s, backoff-max = 1s");
    assertMessage("autonomics.procurement.request-timeout", valid + ", request-timeout = 0s");
    // a file that is no service-account key fails when the client is made, naming the key too
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ProcurementClient.create(ProcurementSettings.create(config(valid))));
    assertTrue(bad.getMessage().contains("autonomics.procurement.credentials-file"), bad.getMessage());
  }

  @Test
  void aWrongConfigurationFailsTheActorSystemStart() {
    Exception failure = assertThrows(Exception.class, () -> ActorSystem.create(Behaviors.empty(), "procurement-bad",
        config("enabled = on")));
    String messages = failure + " " + failure.getCause();
    assertTrue(messages.contains("autonomics.procurement.provider-id"), messages);
  }

  @Test
  void backoffGrowsWithJitterAndStaysWithinItsBounds() {
    Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 1.0);
    assertEquals(50, low.delayMillis(1, 0));
    assertEquals(100, high.delayMillis(1, 0));
    assertEquals(200, low.delayMillis(3, 0));
    assertEquals(400, high.delayMillis(3, 0));
    assertEquals(1000, high.delayMillis(10, 0), "capped at backoff-max");
    assertEquals(1000, high.delayMillis(60, 0), "no overflow");
    assertEquals(700, low.delayMillis(1, 700), "a Retry-After raises the wait");
    assertEquals(1000, low.delayMillis(1, 30_000), "within backoff-max");
  }

  private static void assertMessage(String key, String procurement) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProcurementSettings.create(config(procurement)));
    assertTrue(e.getMessage().startsWith(key), e.getMessage());
  }
}
