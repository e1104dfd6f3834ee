package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The stored form keeps every field exactly, and no changed byte that changes the receipt goes unnoticed. */
class ReceiptCodecTest {

  private static Receipt withSeq(Receipt receipt, long seq) {
    return receipt.sealed(receipt.id(), seq, receipt.prevHash(), receipt.hash());
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
  void aReceiptStoredBeforeTheLastFieldExistedStillReads() throws Exception {
    Receipt receipt = withSeq(ReceiptHasher.seal(Receipt.draft(ReceiptType.TRANSITION, "t").states("stable",
        "warning").inputs(java.util.Map.of("cpu", "1")).build(), 4, Receipt.GENESIS_HASH), 4);
    var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
    java.util.List<?> stored = cbor.readValue(ReceiptCodec.encode(receipt), java.util.List.class);
    byte[] older = cbor.writeValueAsBytes(stored.subList(0, stored.size() - 1));
    Receipt back = ReceiptCodec.decode(4, older);
    assertEquals(null, back.inputs());
    assertEquals(receipt.stateTo(), back.stateTo());
    assertEquals(receipt.hash(), back.hash());
  }

  @Test
  void theSeqComesFromTheKey() {
    Receipt receipt = withSeq(new RandomReceipts(3, true).next(), 5);
    assertEquals(6, ReceiptCodec.decode(6, ReceiptCodec.encode(receipt)).seq());
  }

  @Test
  void everyChangedByteFailsToDecodeOrChangesWhatIsHashed() {
    RandomReceipts random = new RandomReceipts(2, true);
    int detectedByDecoding = 0;
    int detectedByHash = 0;
    for (int i = 0; i < 50; i++) {
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
          if (back.toCanonicalJson().equals(receipt.toCanonicalJson())) {
            // the same receipt in other bytes (a number in a wider CBOR head, -0.0 for 0.0, which RFC 8785 writes
            // alike): nothing was changed that the receipt's JSON shows
            continue;
          }
          boolean contentChanged = !ReceiptHasher.canonicalJson(back).equals(canonical);
          boolean hashChanged = !java.util.Objects.equals(receipt.hash(), back.hash());
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
    assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.decode(1, new byte[] {(byte) 0xa1, 0x61}));
  }
}
