package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Log origins of tenant ids (C2SP signed-note: a key name holds no Unicode space and no plus; a note no ASCII
 * control character but newline): every id gives a valid key name, ids a key name can hold keep their origin, and
 * no two ids share one.
 */
class LogOriginTest {
  static final Map<String, String> ENCODED = Map.ofEntries(
      Map.entry("tenant-001", "tenant-001"),
      Map.entry("acme", "acme"),
      Map.entry("a/b.c_d~é\u00e9中文\uD83D\uDE00", "a/b.c_d~é\u00e9中文\uD83D\uDE00"),
      Map.entry("acme west", "acme%20west"),
      Map.entry("a+b", "a%2Bb"),
      Map.entry("50%", "50%25"),
      Map.entry("a b", "a%20b"),
      Map.entry("a%20b", "a%2520b"),
      Map.entry("tab\there", "tab%09here"),
      Map.entry("line\nbreak", "line%0Abreak"),
      Map.entry("nbsp\u00a0", "nbsp%C2%A0"),
      Map.entry("nel\u0085", "nel%C2%85"),
      Map.entry("ideographic\u3000space", "ideographic%E3%80%80space"),
      Map.entry("para\u2029", "para%E2%80%A9"),
      Map.entry("lone\uD800", "lone%ED%A0%80"),
      Map.entry("\uDC00first", "%ED%B0%80first"),
      Map.entry(" ", "%20"));

  @Test
  void forbiddenCharactersAndThePercentArePercentEncodedTheRestKept() {
    ENCODED.forEach((tenant, expected) -> assertEquals(expected, LogOrigin.encode(tenant), tenant));
    String plain = "tenant-001";
    assertSame(plain, LogOrigin.encode(plain), "an id that needs nothing is not copied");
    assertEquals("autonomics.test/acme%20west", LogOrigin.of("autonomics.test", "acme west"));
  }

  @Test
  void everyIdGivesAKeyNameAndNoTwoIdsShareOne() {
    Map<String, String> seen = new HashMap<>();
    for (String tenant : ENCODED.keySet()) {
      String origin = LogOrigin.of("autonomics", tenant);
      assertTrue(SignedNote.isKeyName(origin), origin);
      assertTrue(origin.chars().noneMatch(c -> c < 0x20), origin);
      String before = seen.put(origin, tenant);
      assertEquals(null, before, () -> tenant + " and " + before + " share " + origin);
    }
    // every code unit from 0 to U+FFFF alone, and each after a percent: all distinct, all key names
    for (int c = 0; c <= 0xFFFF; c++) {
      for (String tenant : List.of(String.valueOf((char) c), "%" + (char) c)) {
        String origin = LogOrigin.of("autonomics", tenant);
        assertTrue(SignedNote.isKeyName(origin), () -> "U+" + Integer.toHexString(tenant.charAt(0)));
        String before = seen.put(origin, tenant);
        assertTrue(before == null || before.equals(tenant), origin);
      }
    }
  }

  @Test
  void aCheckpointUnderAnEncodedOriginIsSignedAndOpened() throws Exception {
    String origin = LogOrigin.of("autonomics", "acme west+1%");
    NoteSigner key = NoteSigner.of("autonomics", Ed25519Key.generate()).named(origin);
    Checkpoint c = new Checkpoint(origin, 5, CheckpointTest.ROOT);
    String note = c.sign(key);
    assertTrue(note.startsWith("autonomics/acme%20west%2B1%25\n5\n"), note);
    assertEquals(c, Checkpoint.open(note, NoteVerifier.parse(key.verifier().vkey())));
  }
}
