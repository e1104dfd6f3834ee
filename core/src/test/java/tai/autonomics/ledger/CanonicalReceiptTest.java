package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;
import org.junit.jupiter.api.Test;
import tai.autonomics.Json;

/**
 * The hash input is RFC 8785 (JCS): the JCS library is checked against the RFC's own examples, and the Jackson
 * receipt writer against the library, character for character, on many randomized receipts.
 */
class CanonicalReceiptTest {

  /** The canonical text by the generic route: Jackson writes the receipt without its hash, the JCS library sorts it. */
  static String libraryCanonicalJson(Receipt r) {
    Receipt unhashed = new Receipt(r.id(), r.seq(), r.type(), r.tenantId(), r.stateFrom(), r.stateTo(), r.reason(),
        r.actionId(), r.actionType(), r.attempts(), r.messageId(), r.providerId(), r.entitlementId(), r.sku(), r.customerId(),
        r.pendingSku(), r.signal(), r.policy(), r.delivery(), r.deadLetter(), r.timestamp(), r.prevHash(), null,
        r.inputs());
    try {
      return new JsonCanonicalizer(Json.MAPPER.writeValueAsString(unhashed)).getEncodedString();
    } catch (IOException e) {
      throw new IllegalStateException("receipt cannot be canonicalized", e);
    }
  }

  @Test
  void libraryCanonicalizesTheRfcValuesExample() throws IOException {
    // RFC 8785 section 3.2.2
    String input = """
        {
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
          "literals": [null, true, false]
        }""";
    assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", new JsonCanonicalizer(input).getEncodedString());
  }

  @Test
  void libraryCanonicalizesTheRfcSortingExampleToItsBytes() throws IOException {
    // RFC 8785 section 3.2.3: property names sort by UTF-16 code units; the expected UTF-8 bytes are the RFC's
    String input = """
        {
          "\\u20ac": "Euro Sign",
          "\\r": "Carriage Return",
          "\\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\\ud83d\\ude00": "Emoji: Grinning Face",
          "\\u0080": "Control",
          "\\u00f6": "Latin Small Letter O With Diaeresis"
        }""";
    String expected = "7b 22 5c 72 22 3a 22 43 61 72 72 69 61 67 65 20 52 65 74 75 72 6e 22 2c 22 31 22 3a 22 4f"
        + " 6e 65 22 2c 22 c2 80 22 3a 22 43 6f 6e 74 72 6f 6c 22 2c 22 c3 b6 22 3a 22 4c 61 74 69 6e 20 53 6d"
        + " 61 6c 6c 20 4c 65 74 74 65 72 20 4f 20 57 69 74 68 20 44 69 61 65 72 65 73 69 73 22 2c 22 e2 82 ac"
        + " 22 3a 22 45 75 72 6f 20 53 69 67 6e 22 2c 22 f0 9f 98 80 22 3a 22 45 6d 6f 6a 69 3a 20 47 72 69 6e"
        + " 6e 69 6e 67 20 46 61 63 65 22 2c 22 ef ac b3 22 3a 22 48 65 62 72 65 77 20 4c 65 74 74 65 72 20 44"
        + " 61 6c 65 74 20 57 69 74 68 20 44 61 67 65 73 68 22 7d";
    assertArrayEquals(HexFormat.ofDelimiter(" ").parseHex(expected), new JsonCanonicalizer(input).getEncodedUTF8());
  }

  /** RFC 8785 appendix B: IEEE 754 bits and the ES6 text JCS requires for them. */
  private static final String[][] APPENDIX_B = {
      {"0000000000000000", "0"}, {"8000000000000000", "0"}, {"0000000000000001", "5e-324"},
      {"8000000000000001", "-5e-324"}, {"7fefffffffffffff", "1.7976931348623157e+308"},
      {"ffefffffffffffff", "-1.7976931348623157e+308"}, {"4340000000000000", "9007199254740992"},
      {"c340000000000000", "-9007199254740992"}, {"4430000000000000", "295147905179352830000"},
      {"44b52d02c7e14af5", "9.999999999999997e+22"}, {"44b52d02c7e14af6", "1e+23"},
      {"44b52d02c7e14af7", "1.0000000000000001e+23"}, {"444b1ae4d6e2ef4e", "999999999999999700000"},
      {"444b1ae4d6e2ef4f", "999999999999999900000"}, {"444b1ae4d6e2ef50", "1e+21"},
      {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"}, {"3eb0c6f7a0b5ed8d", "0.000001"},
      {"41b3de4355555553", "333333333.3333332"}, {"41b3de4355555554", "333333333.33333325"},
      {"41b3de4355555555", "333333333.3333333"}, {"41b3de4355555556", "333333333.3333334"},
      {"41b3de4355555557", "333333333.33333343"}, {"becbf647612f3696", "-0.0000033333333333333333"},
      {"43143ff3c1cb0959", "1424953923781206.2"}};

  @Test
  void numbersFollowTheRfcAppendixB() throws IOException {
    for (String[] example : APPENDIX_B) {
      double value = Double.longBitsToDouble(Long.parseUnsignedLong(example[0], 16));
      assertEquals(example[1], NumberToJSON.serializeNumber(value), example[0]);
      Receipt receipt = Receipt.draft(ReceiptType.TRANSITION, "t").signal(null, value, null).timestamp(1).build();
      assertEquals("{\"signal\":{\"value\":" + example[1] + "},\"tenant_id\":\"t\",\"timestamp\":1,"
          + "\"type\":\"transition\"}", ReceiptHasher.canonicalJson(receipt), example[0]);
    }
    // NaN and Infinity are not JSON numbers: JCS refuses them
    assertThrows(IOException.class, () -> NumberToJSON.serializeNumber(Double.NaN));
    assertThrows(IOException.class, () -> NumberToJSON.serializeNumber(Double.POSITIVE_INFINITY));
  }

  @Test
  void jacksonWriterEqualsTheLibraryOnRandomizedReceipts() {
    RandomReceipts random = new RandomReceipts(8785, false);
    for (int i = 0; i < 5_000; i++) {
      Receipt receipt = random.next();
      String expected = libraryCanonicalJson(receipt);
      assertEquals(expected, ReceiptHasher.canonicalJson(receipt), () -> "receipt " + receipt);
      assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8),
          ReceiptHasher.canonicalJson(receipt).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theHashIsTheSha256OfTheLibrarysCanonicalJsonAsUtf8() {
    RandomReceipts random = new RandomReceipts(256, false);
    for (int i = 0; i < 3_000; i++) {
      Receipt receipt = random.next();
      assertEquals(ReceiptHasher.sha256Hex(libraryCanonicalJson(receipt)), ReceiptHasher.hash(receipt),
          () -> "receipt " + receipt);
    }
    // an outsized receipt, then an ordinary one again
    Receipt large = Receipt.draft(ReceiptType.REFUSAL, "t").reason("x\u00e9".repeat(20_000)).build();
    assertEquals(ReceiptHasher.sha256Hex(libraryCanonicalJson(large)), ReceiptHasher.hash(large));
    Receipt small = random.next();
    assertEquals(ReceiptHasher.sha256Hex(libraryCanonicalJson(small)), ReceiptHasher.hash(small));
  }

  @Test
  void theAnswerFormIsTheLibrarysCanonicalJsonWithTheHash() throws IOException {
    RandomReceipts random = new RandomReceipts(1987, false);
    for (int i = 0; i < 2_000; i++) {
      Receipt unsealed = random.next();
      Receipt receipt = new Receipt(unsealed.id(), unsealed.seq(), unsealed.type(), unsealed.tenantId(),
          unsealed.stateFrom(), unsealed.stateTo(), unsealed.reason(), unsealed.actionId(), unsealed.actionType(),
          unsealed.attempts(), unsealed.messageId(), unsealed.providerId(), unsealed.entitlementId(), unsealed.sku(),
          unsealed.customerId(), unsealed.pendingSku(), unsealed.signal(), unsealed.policy(), unsealed.delivery(), unsealed.deadLetter(),
          unsealed.timestamp(), unsealed.prevHash(), ReceiptHasher.hash(unsealed), unsealed.inputs());
      String expected = new JsonCanonicalizer(Json.MAPPER.writeValueAsString(receipt))
          .getEncodedString();
      assertEquals(expected, receipt.toCanonicalJson(), () -> "receipt " + receipt);
    }
  }

  @Test
  void theWorkedExampleOfTheDocsHasItsDocumentedHashes() {
    // docs/RECEIPTS.md section 4; the hashes were also checked with sha256sum and the docs' Python verifier
    Receipt receipt = new Receipt("3f9c2a0d5b7e41c8a6d2e9f0b1c4d7e8", 42L, ReceiptType.TRANSITION, "acme", "stable",
        "warning", "cpu above 60", null, null, null, "9876543210123456", null, null, null, null, null,
        new Receipt.SignalRecord("cpu", 72.5, 1769400000000L), "base", null, null, 1769400000123L, Receipt.GENESIS_HASH,
        null, null);
    assertEquals("{\"id\":\"3f9c2a0d5b7e41c8a6d2e9f0b1c4d7e8\",\"message_id\":\"9876543210123456\","
        + "\"policy\":\"base\",\"prev_hash\":\"" + Receipt.GENESIS_HASH + "\",\"reason\":\"cpu above 60\","
        + "\"seq\":42,\"signal\":{\"metric\":\"cpu\",\"timestamp_ms\":1769400000000,\"value\":72.5},"
        + "\"state_from\":\"stable\",\"state_to\":\"warning\",\"tenant_id\":\"acme\",\"timestamp\":1769400000123,"
        + "\"type\":\"transition\"}", ReceiptHasher.canonicalJson(receipt));
    assertEquals(FIRST_HASH, ReceiptHasher.hash(receipt));

    Receipt next = new Receipt("9a1b2c3d4e5f60718293a4b5c6d7e8f9", 57L, ReceiptType.ACTION_RESULT, "acme", null, null,
        "completed", "act-7", "scale", 1, null, null, null, null, null, null, null, null, null, null, 1769400005000L,
        FIRST_HASH, null, null);
    assertEquals("d8d018be36efb52fe9ac5e548fc9086e80eefd0b874dd25794e2406f5753fedf", ReceiptHasher.hash(next));
  }

  private static final String FIRST_HASH = "b29593a8bf59c0711bdf043f6c3811ec7110cb574b2affd33a2c27865f32b245";
}
