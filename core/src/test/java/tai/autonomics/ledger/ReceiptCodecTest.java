package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The stored form keeps every field exactly, and no changed byte goes unnoticed by the hash check. */
class ReceiptCodecTest {

  private static Receipt withSeq(Receipt receipt, long seq) {
    return new Receipt(receipt.id(), seq, receipt.type(), receipt.tenantId(), receipt.stateFrom(), receipt.stateTo(),
        receipt.reason(), receipt.actionId(), receipt.actionType(), receipt.attempts(), receipt.messageId(),
        receipt.subscription(), receipt.providerId(),
        receipt.entitlementId(), receipt.sku(), receipt.customerId(), receipt.pendingSku(), receipt.signal(),
        receipt.policy(), receipt.timestamp(), receipt.prevHash(), receipt.hash());
  }

  @Test
  void randomReceiptsSurviveTheRoundTrip() {
    RandomReceipts random = new RandomReceipts(1, true);
    for (int i = 0; i < 5_000; i++) {
      Receipt receipt = withSeq(random.next(), i + 1);
      Receipt back = ReceiptCodec.decode(i + 1, ReceiptCodec.encode(receipt));
      assertEquals(receipt, back);
      assertEquals(ReceiptHasher.canonicalJson(receipt), ReceiptHasher.canonicalJson(back));
    }
  }

  /** Bytes an entitlement receipt was stored as before {@code customer_id} and {@code pending_sku} existed. */
  private static final String STORED_BEFORE_ENTITLEMENT_DETAILS = "018f870c022074656e616e742d3780f8aa87ff6681010123"
      + "456789abcdef0123456789abcdef186163746976654c70656e64696e675f706c616e5f6368616e67658401454e5449544c454d454e"
      + "545f504c414e5f4348414e47455f524551554553544544146576742d3114656e742d371062617365810200000000000000000000000000"
      + "0000000000000000000000000000000000000081024796a32fa509427f759ae484122e0968650aaeb98eeac13cb209992bbf6a700d";

  @Test
  void receiptsStoredBeforeTheEntitlementDetailsDecodeAndHashAsBefore() {
    byte[] stored = HexFormat.of().parseHex(STORED_BEFORE_ENTITLEMENT_DETAILS);
    Receipt back = ReceiptCodec.decode(9, stored);
    assertEquals(null, back.customerId());
    assertEquals(null, back.pendingSku());
    assertEquals("4796a32fa509427f759ae484122e0968650aaeb98eeac13cb209992bbf6a700d", back.hash());
    assertEquals(back.hash(), ReceiptHasher.hash(back.sealed(back.id(), 9, back.prevHash(), null)));
    assertTrue(Arrays.equals(stored, ReceiptCodec.encode(back)), "written the same way as before");

    Receipt detailed = Receipt.draft(ReceiptType.ENTITLEMENT, "tenant-7").states("active", "pending_plan_change")
        .entitlement("ent-7", "base").entitlementDetails("acct-7", "enterprise").build();
    Receipt sealed = ReceiptHasher.seal(detailed, 10, back.hash());
    Receipt decoded = ReceiptCodec.decode(10, ReceiptCodec.encode(sealed));
    assertEquals(sealed, decoded);
    assertEquals("acct-7", decoded.customerId());
    assertEquals("enterprise", decoded.pendingSku());
    assertTrue(ReceiptHasher.canonicalJson(sealed).contains("{\"customer_id\":\"acct-7\",\"entitlement_id\""));
    assertTrue(ReceiptHasher.canonicalJson(sealed).contains(",\"pending_sku\":\"enterprise\",\"prev_hash\""));
  }

  @Test
  void aTypicalSealedReceiptIsCompact() {
    Receipt draft = Receipt.draft(ReceiptType.TRANSITION, "tenant-0042").states("stable", "warning")
        .reason("cpu above 60").messageId("12345678901234567").signal("cpu", 72.0, 1769400000000L).policy("base")
        .build();
    byte[] stored = ReceiptCodec.encode(ReceiptHasher.seal(draft, 7, Receipt.GENESIS_HASH));
    // 16 id + 64 hash bytes, the rest packed; its JSON is about 400 bytes
    assertTrue(stored.length < 170, () -> "stored bytes: " + stored.length);
  }

  @Test
  void everyChangedByteFailsToDecodeOrChangesWhatIsHashed() {
    RandomReceipts random = new RandomReceipts(2, true);
    int detectedByDecoding = 0;
    int detectedByHash = 0;
    for (int i = 0; i < 100; i++) {
      Receipt receipt = withSeq(random.next(), 9);
      String canonical = ReceiptHasher.canonicalJson(receipt);
      byte[] stored = ReceiptCodec.encode(receipt);
      for (int pos = 0; pos < stored.length; pos++) {
        for (int change : new int[] {0x01, 0x80, 0xFF, 0x10}) {
          byte[] tampered = stored.clone();
          tampered[pos] ^= (byte) change;
          Receipt back;
          try {
            back = ReceiptCodec.decode(9, tampered);
          } catch (IllegalArgumentException e) {
            detectedByDecoding++;
            continue;
          }
          boolean contentChanged = !ReceiptHasher.canonicalJson(back).equals(canonical);
          boolean hashChanged = !Objects.equals(back.hash(), receipt.hash());
          int at = pos;
          assertTrue(contentChanged || hashChanged, () -> "byte " + at + " changed unnoticed in " + receipt);
          detectedByHash++;
        }
      }
      assertThrows(IllegalArgumentException.class,
          () -> ReceiptCodec.decode(9, Arrays.copyOf(stored, stored.length - 1)));
      assertThrows(IllegalArgumentException.class,
          () -> ReceiptCodec.decode(9, Arrays.copyOf(stored, stored.length + 1)));
    }
    assertTrue(detectedByDecoding > 0 && detectedByHash > 0);
  }

  @Test
  void undecodableBytesAreRefusedWithAReason() {
    assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.decode(1, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.decode(1, new byte[] {9, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.decode(1, new byte[] {1, (byte) 0x80, 0}));
  }
}
