package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import tai.autonomics.ledger.RocksLayout.Family;

/**
 * Changes made to the stored bytes behind the ledger's back: each is found by the ledger-wide and the tenant
 * verification, which name the receipt where the chain breaks.
 */
class TamperTest {
  @TempDir
  Path dir;

  private List<Receipt> fill(RocksReceiptStore store) {
    List<Receipt> written = new TestChains(0).receipts(40, 3);
    store.append(written, true);
    assertTrue(ChainVerifier.verifyAll(store).valid());
    return written;
  }

  private static byte[] key(Receipt receipt) {
    return Keys.tenantSeq(Keys.tenantPrefix(receipt.tenantId()), receipt.seq());
  }

  private static void change(RocksReceiptStore store, Family family, byte[] key, byte[] value) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      if (value == null) {
        batch.delete(store.layout().handle(family), key);
      } else {
        batch.put(store.layout().handle(family), key, value);
      }
      store.layout().write(batch, false);
    }
  }

  private static boolean sameReceipt(Receipt target, byte[] value) {
    try {
      return ReceiptCodec.decode(target.seq(), value).equals(target);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void aChangedByteAnywhereInAStoredReceiptIsFoundAndNamed() throws Exception {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      Receipt target = fill(store).get(16);
      byte[] key = key(target);
      byte[] original = store.layout().get(Family.RECEIPTS, key);
      for (int pos = 0; pos < original.length; pos++) {
        for (int flip : new int[] {0x01, 0x80}) {
          byte[] tampered = original.clone();
          tampered[pos] ^= (byte) flip;
          if (sameReceipt(target, tampered)) {
            // CBOR's undefined (0xf7) reads as null (0xf6): the stored receipt is still the same receipt
            assertEquals((byte) 0xf6, original[pos], "only a null can change into the same receipt");
            continue;
          }
          change(store, Family.RECEIPTS, key, tampered);
          for (ChainVerifier.Result result : List.of(ChainVerifier.verifyAll(store),
              ChainVerifier.verifyTenant(store, target.tenantId()))) {
            int at = pos;
            assertFalse(result.valid(), () -> "byte " + at + " changed unnoticed");
            assertEquals(target.seq(), result.badSeq(), () -> "byte " + at + ": " + result);
          }
        }
      }
      change(store, Family.RECEIPTS, key, original);
      assertTrue(ChainVerifier.verifyAll(store).valid());
    }
  }

  @Test
  void aDeletedReceiptIsFoundAndNamed() throws Exception {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = fill(store);
      Receipt deleted = written.get(11);
      Receipt nextOfTenant = written.get(11 + 3);
      change(store, Family.RECEIPTS, key(deleted), null);

      ChainVerifier.Result all = ChainVerifier.verifyAll(store);
      assertFalse(all.valid());
      assertEquals(deleted.seq(), all.badSeq());
      assertEquals(written.get(12).id(), all.badReceiptId(), all.problem());
      assertTrue(all.problem().contains("missing"), all.problem());
      // the receipts of a tenant are its chain: without the deleted one, the next one's link breaks
      ChainVerifier.Result tenant = ChainVerifier.verifyTenant(store, deleted.tenantId());
      assertFalse(tenant.valid());
      assertEquals(nextOfTenant.id(), tenant.badReceiptId(), tenant.problem());
      assertTrue(tenant.problem().startsWith("prev_hash does not match"), tenant.problem());
      // the indexes still name it: a read through them reports it missing instead of answering nothing
      CorruptReceiptException byId =
          assertThrows(CorruptReceiptException.class, () -> store.get(deleted.id()));
      assertEquals(deleted.seq(), byId.seq());
    }
  }

  @Test
  void aReceiptDeletedWithItsIndexEntriesBreaksTheLinkOfTheNext() throws Exception {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = fill(store);
      Receipt deleted = written.get(11);
      Receipt nextOfTenant = written.get(11 + 3);
      change(store, Family.RECEIPTS, key(deleted), null);
      change(store, Family.BY_ID, Keys.utf8(deleted.id()), null);
      change(store, Family.BY_SEQ, Keys.seq(deleted.seq()), null);
      change(store, Family.BY_MESSAGE_ID, Keys.utf8(deleted.messageId()), null);

      ChainVerifier.Result tenant = ChainVerifier.verifyTenant(store, deleted.tenantId());
      assertFalse(tenant.valid());
      assertEquals(nextOfTenant.id(), tenant.badReceiptId());
      assertTrue(tenant.problem().startsWith("prev_hash does not match"), tenant.problem());
      assertEquals(deleted.seq(), ChainVerifier.verifyAll(store).badSeq());
    }
  }

  @Test
  void theNewestReceiptDeletedAtRestIsFoundAfterReopening() throws Exception {
    Receipt newest;
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = fill(store);
      newest = written.get(written.size() - 1);
      change(store, Family.RECEIPTS, key(newest), null);
      change(store, Family.BY_SEQ, Keys.seq(newest.seq()), null);
    }
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      assertEquals(newest.seq() - 1, store.lastSeq());
      for (ChainVerifier.Result result : List.of(ChainVerifier.verifyAll(store),
          ChainVerifier.verifyTenant(store, newest.tenantId()))) {
        assertFalse(result.valid());
        assertEquals(newest.seq(), result.badSeq(), result.problem());
        assertTrue(result.problem().contains("newest receipts missing"), result.problem());
      }
    }
  }

  @Test
  void aReorderedPairIsFoundAndNamed() throws Exception {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = fill(store);
      // seq 5 and 8 belong to the same tenant (3 tenants in turn)
      Receipt first = written.get(4);
      Receipt second = written.get(7);
      assertEquals(first.tenantId(), second.tenantId());
      byte[] firstKey = key(first);
      byte[] secondKey = key(second);
      byte[] firstValue = store.layout().get(Family.RECEIPTS, firstKey);
      byte[] secondValue = store.layout().get(Family.RECEIPTS, secondKey);
      change(store, Family.RECEIPTS, firstKey, secondValue);
      change(store, Family.RECEIPTS, secondKey, firstValue);

      for (ChainVerifier.Result result : List.of(ChainVerifier.verifyAll(store),
          ChainVerifier.verifyTenant(store, first.tenantId()))) {
        assertFalse(result.valid());
        assertEquals(first.seq(), result.badSeq());
        assertEquals(second.id(), result.badReceiptId(), result.problem());
      }
    }
  }

  @Test
  void aReorderedPairOfTwoTenantsIsFoundAndNamed() throws Exception {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = fill(store);
      Receipt first = written.get(20);
      Receipt second = written.get(21);
      byte[] firstKey = key(first);
      byte[] secondKey = key(second);
      byte[] firstValue = store.layout().get(Family.RECEIPTS, firstKey);
      byte[] secondValue = store.layout().get(Family.RECEIPTS, secondKey);
      change(store, Family.RECEIPTS, firstKey, secondValue);
      change(store, Family.RECEIPTS, secondKey, firstValue);

      ChainVerifier.Result all = ChainVerifier.verifyAll(store);
      assertFalse(all.valid());
      assertEquals(first.seq(), all.badSeq());
      assertEquals(second.id(), all.badReceiptId(), all.problem());
      ChainVerifier.Result tenant = ChainVerifier.verifyTenant(store, first.tenantId());
      assertFalse(tenant.valid());
      assertEquals(first.seq(), tenant.badSeq(), tenant.problem());
    }
  }
}
