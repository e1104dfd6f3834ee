package tai.autonomics.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs read from HOCON (reference.conf and overrides) and their content-derived versions. */
class PolicyPacksTest {

  private static PolicyPacks load(String hocon) {
    return PolicyPacks.create(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference())
        .resolve());
  }

  @Test
  void referencePacksCarryTheTiersOfDesign() {
    PolicyPacks packs = PolicyPacks.create(ConfigFactory.defaultReference());
    assertEquals(java.util.Set.of("base", "professional", "enterprise"), packs.all().keySet());
    PolicyPack base = packs.forSku("base");
    assertEquals(MetricRule.ORIGINAL_DEFAULT, base.defaultRule());
    assertEquals(Duration.ofSeconds(30), base.cooldown());
    assertEquals(Duration.ofSeconds(60), base.quarantine());
    PolicyPack enterprise = packs.forSku("enterprise");
    assertEquals(new MetricRule(70, 85, "scale", Map.of("step", "2")), enterprise.defaultRule());
    assertEquals(new MetricRule(5000, 10000, "throttle", Map.of("limit", "8000")), enterprise.ruleFor("request_rate"));
    assertEquals(new MetricRule(1, 5, "rollback", Map.of()), packs.forSku("professional").ruleFor("error_rate"));
    assertEquals(MetricRule.ORIGINAL_DEFAULT, packs.forSku("professional").ruleFor("cpu"));
    // a rule with an action of its own does not inherit the default action's parameters
    assertEquals(new MetricRule(1, 5, "rollback", Map.of()), enterprise.ruleFor("error_rate"));
  }

  @Test
  void unknownAndMissingSkusFallBackToTheDefaultPack() {
    PolicyPacks packs = PolicyPacks.create(ConfigFactory.defaultReference());
    assertSame(packs.forSku("base"), packs.forSku("platinum"));
    assertSame(packs.forSku("base"), packs.forSku(null));
    assertFalse(packs.knows("platinum"));
    assertTrue(packs.knows("enterprise"));
  }

  @Test
  void missingKeysTakeTheOriginalDefaultsAndRulesInheritFromTheDefaultRule() {
    PolicyPacks packs = load("""
        autonomics.policy.packs.custom {
          default-rule { act-above = 90 }
          rules { "disk.used" { warn-above = 75 } }
        }
        """);
    PolicyPack custom = packs.forSku("custom");
    assertEquals(new MetricRule(60, 90, "scale", Map.of()), custom.defaultRule());
    assertEquals(new MetricRule(75, 90, "scale", Map.of()), custom.ruleFor("disk.used"));
    PolicyPack withParams = load("""
        autonomics.policy.packs.p {
          default-rule { action = scale, params { step = 2 } }
          rules { cpu { act-above = 95 }, mem { action = restart } }
        }
        """).forSku("p");
    assertEquals(Map.of("step", "2"), withParams.ruleFor("cpu").params(), "same action: its parameters are inherited");
    assertEquals(Map.of(), withParams.ruleFor("mem").params(), "own action: the default's parameters are not");
    assertEquals(Duration.ofSeconds(30), custom.cooldown());
    assertEquals(Duration.ofSeconds(60), custom.quarantine());
  }

  @Test
  void versionIsStableForTheSameContentAndChangesWithAnyNumber() {
    String base = "autonomics.policy.packs.base { cooldown = 30s, quarantine = 60s, "
        + "default-rule { warn-above = 60, act-above = 80, action = scale } }";
    String version = load(base).forSku("base").version();
    assertEquals(version, load(base).forSku("base").version());
    assertEquals(version, PolicyPacks.create(ConfigFactory.defaultReference()).forSku("base").version(),
        "keys written out with their default values do not change the version");
    assertEquals(16, version.length());
    assertEquals("base@" + version, load(base).forSku("base").reference());
    for (String changed : new String[] {
        "autonomics.policy.packs.base.default-rule.warn-above = 60.5",
        "autonomics.policy.packs.base.default-rule.act-above = 81",
        "autonomics.policy.packs.base.default-rule.action = rollback",
        "autonomics.policy.packs.base.default-rule.params.step = 3",
        "autonomics.policy.packs.base.cooldown = 31s",
        "autonomics.policy.packs.base.quarantine = 59s",
        "autonomics.policy.packs.base.rules.cpu.act-above = 90"}) {
      assertNotEquals(version, load(base + "\n" + changed).forSku("base").version(), changed);
    }
  }

  @Test
  void theSameRulesUnderAnotherNameAreAnotherVersion() {
    PolicyPack a = PolicyPack.of("a", MetricRule.ORIGINAL_DEFAULT, Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1));
    PolicyPack b = PolicyPack.of("b", MetricRule.ORIGINAL_DEFAULT, Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertNotEquals(a.version(), b.version());
  }

  @Test
  void inconsistentOrDanglingConfigurationFailsAtLoad() {
    assertThrows(IllegalArgumentException.class,
        () -> load("autonomics.policy.packs.bad.default-rule { warn-above = 90, act-above = 80 }"));
    assertThrows(IllegalArgumentException.class, () -> load("autonomics.policy.default-pack = gold"));
  }

  @Test
  void aPackFileInConfFormatLoads() {
    Config conf = ConfigFactory.parseString("""
        autonomics.policy {
          default-pack = small
          packs = {
            small { cooldown = 5s, quarantine = 10s, default-rule { warn-above = 10, act-above = 20, action = page } }
          }
        }
        """);
    PolicyPacks packs = PolicyPacks.create(conf);
    assertEquals(Map.of("small", packs.forSku("small")), packs.all());
    assertEquals(new MetricRule(10, 20, "page", Map.of()), packs.forSku("anything").defaultRule());
    assertEquals(Duration.ofSeconds(5), packs.forSku("small").cooldown());
  }

  @Test
  void everyBehaviourKeyIsValidatedWithAMessageNamingIt() {
    String[][] cases = {
        {"rules.cpu.act-after = 0", "autonomics.policy.packs.p.rules.cpu.act-after"},
        {"default-rule.act-for = -1s", "autonomics.policy.packs.p.default-rule.act-for"},
        {"default-rule.act-for = soon", "autonomics.policy.packs.p.default-rule.act-for"},
        {"default-rule.tolerance = -1", "autonomics.policy.packs.p.default-rule.tolerance"},
        {"default-rule { relax = scale-in }", "autonomics.policy.packs.p.default-rule.relax-below"},
        {"default-rule { relax = scale-in, relax-below = 70 }", "autonomics.policy.packs.p.default-rule.relax-below"},
        {"default-rule { tolerance = 10, relax = scale-in, relax-below = 55 }",
            "autonomics.policy.packs.p.default-rule.relax-below"},
        {"default-rule { relax-below = 20 }", "autonomics.policy.packs.p.default-rule.relax"},
        {"default-rule.no-data = maybe", "autonomics.policy.packs.p.default-rule.no-data"},
        {"mode = dryrun", "autonomics.policy.packs.p.mode"},
        {"max-actions = -1", "autonomics.policy.packs.p.max-actions"},
        {"per = 1h", "autonomics.policy.packs.p.max-actions"},
        {"max-actions = 2, per = 0s", "autonomics.policy.packs.p.per"},
        {"max-signal-age = 0s", "autonomics.policy.packs.p.max-signal-age"},
        {"rules.cpu { warn-above = 90, act-above = 80 }", "autonomics.policy.packs.p.rules.cpu.warn-above"}};
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> load("autonomics.policy.packs.p { " + c[0] + " }"), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void behaviourKeysAreReadInheritedAndChangeTheVersion() {
    PolicyPack plain = load("autonomics.policy.packs.p { }").forSku("p");
    PolicyPack tuned = load("""
        autonomics.policy.packs.p {
          mode = dry-run, max-actions = 6, per = 1h
          default-rule { act-after = 3, tolerance = 5, relax = scale-in, relax-below = 30, relax-for = 10m }
          rules { cpu { stale-after = 1m, no-data = stable } }
        }
        """).forSku("p");
    assertEquals(3, tuned.ruleFor("cpu").behavior().actAfter(), "inherited from the default rule");
    assertEquals("scale-in", tuned.ruleFor("cpu").behavior().relax());
    assertEquals(Duration.ofMinutes(1), tuned.ruleFor("cpu").behavior().staleAfter());
    assertEquals("stable", tuned.ruleFor("cpu").behavior().noData());
    assertTrue(tuned.limits().dryRun());
    assertEquals(6, tuned.limits().maxActions());
    assertNotEquals(plain.version(), tuned.version());
    assertEquals(plain.version(), load("autonomics.policy.packs.p { mode = enforce, max-signal-age = 5m, "
        + "default-rule { act-after = 1, tolerance = 0 } }").forSku("p").version(), "defaults written out");
  }

  @Test
  void thePackFileIsReadOverTheConfigurationAndEveryProblemNamesItsKey(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("packs.conf"),
        "autonomics.policy.packs.base.default-rule { act-above = 90 }\n");
    PolicyPacks packs = load("autonomics.policy.file = \"" + file.toString().replace("\\", "/") + "\"");
    assertEquals(90, packs.forSku("base").defaultRule().actAbove());
    assertEquals(Duration.ofSeconds(30), packs.forSku("base").cooldown(), "what the file leaves out stays");
    assertEquals(3, packs.all().size());
    assertEquals(file, packs.file().orElseThrow());

    Files.writeString(file, "autonomics.policy.packs.base.default-rule { act-after = 0 }\n");
    IllegalArgumentException reread = assertThrows(IllegalArgumentException.class, packs::readAgain);
    assertTrue(reread.getMessage().contains("autonomics.policy.packs.base.default-rule.act-after"),
        reread.getMessage());
    assertEquals(90, packs.forSku("base").defaultRule().actAbove(), "a failed read changes nothing");

    Files.writeString(file, "autonomics.policy.packs.base.default-rule { act-above = \"high\" }\n");
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, packs::readAgain);
    assertTrue(wrongType.getMessage().contains("autonomics.policy.packs.base"), wrongType.getMessage());
    assertTrue(wrongType.getMessage().contains("act-above"), wrongType.getMessage());

    Files.writeString(file, "autonomics.policy.packs.base { \n");
    IllegalArgumentException hocon = assertThrows(IllegalArgumentException.class, packs::readAgain);
    assertTrue(hocon.getMessage().contains("not valid HOCON"), hocon.getMessage());

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> load("autonomics.policy.file = \"" + dir.resolve("none.conf").toString().replace("\\", "/") + "\""));
    assertTrue(missing.getMessage().startsWith("autonomics.policy.file: "), missing.getMessage());

    PolicyPacks next = load("autonomics.policy.packs.base.default-rule { act-above = 95 }");
    packs.replaceWith(next);
    assertEquals(95, packs.forSku("base").defaultRule().actAbove());
    assertTrue(load("").file().isEmpty());
    assertThrows(IllegalStateException.class, () -> load("").readAgain());
  }
}
