package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The stored form keeps every field exactly, and no changed byte goes unnoticed by the hash check. */
class ReceiptCodecTest {

  private static Receipt withSeq(Receipt receipt, long seq) {
    return new Receipt(receipt.id(), seq, receipt.type(), receipt.tenantId(), receipt.stateFrom(), receipt.stateTo(),
        receipt.reason(), receipt.actionId(), receipt.actionType(), receipt.attempts(), receipt.messageId(),
        receipt.entitlementId(), receipt.sku(), receipt.signal(), receipt.policy(), receipt.timestamp(),
        receipt.prevHash(), receipt.hash());
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
