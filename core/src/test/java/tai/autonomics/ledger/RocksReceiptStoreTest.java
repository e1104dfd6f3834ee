package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB store on a real temp directory: every read, recovery at open, and clear errors. */
class RocksReceiptStoreTest {
  @TempDir
  Path dir;

  @Test
  void onlyTheMemoryStoreNeverBlocks() {
    // what puts the Ledger on the default dispatcher (Guardian) and its commits on its own thread
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      assertTrue(store.mayBlock());
    }
    assertFalse(new MemoryReceiptStore().mayBlock());
    assertTrue(new ControlledStore(new MemoryReceiptStore()).mayBlock(), "a wrapper may make writes wait");
  }

  @Test
  void receiptsAreFoundByIdWhetherOrNotTheirIdNamesTheirSeq() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      TestChains chains = new TestChains(0);
      Receipt named = chains.seal(Receipt.draft(ReceiptType.TRANSITION, "acme").states("stable", "stable").build());
      assertEquals(named.seq(), Ids.seqOf(named.id()));
      // ids the ledger did not make: 16 random bytes, and a text id
      Receipt random = reId(chains.seal(Receipt.draft(ReceiptType.TRANSITION, "acme").states("stable", "warning")
          .build()), "ffffffffffffffff0123456789abcdef");
      Receipt text = reId(chains.seal(Receipt.draft(ReceiptType.REFUSAL, "beta").reason("quarantined").build()),
          "legacy-id-7");
      // an id that names another receipt's seq (re-linked in cluster mode keeps its id under a new seq)
      Receipt moved = reId(chains.seal(Receipt.draft(ReceiptType.TRANSITION, "beta").states("stable", "stable")
          .build()), named.id().substring(0, 16) + "00000000000000aa");
      store.append(List.of(named, random, text, moved), true);

      for (Receipt receipt : List.of(named, random, text, moved)) {
        assertEquals(receipt, store.get(receipt.id()).orElseThrow(), receipt.id());
      }
      // the seq of a stored receipt with another random part is not that receipt
      assertTrue(store.get(named.id().substring(0, 16) + "0000000000000000").isEmpty());
      assertTrue(store.get(String.format("%016x", 99L) + named.id().substring(16)).isEmpty(), "beyond the last seq");
      assertEquals(-1, Ids.seqOf("0000000000000000" + named.id().substring(16)));
      assertEquals(-1, Ids.seqOf("XYZ"));
    }
  }

  /** The receipt under another id, hashed again so it is a valid receipt of its chain. */
  private static Receipt reId(Receipt sealed, String id) {
    Receipt unhashed = sealed.sealed(id, sealed.seq(), sealed.prevHash(), null);
    return unhashed.sealed(id, sealed.seq(), sealed.prevHash(), ReceiptHasher.hash(unhashed));
  }

  @Test
  void everyReadFindsWhatWasAppended() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = new TestChains(0).receipts(500, 7);
      for (int from = 0; from < written.size(); from += 64) {
        store.append(written.subList(from, Math.min(from + 64, written.size())), from % 128 == 0);
      }
      assertEquals(500, store.lastSeq());
      for (Receipt receipt : written) {
        assertEquals(receipt, store.get(receipt.id()).orElseThrow());
        assertEquals(receipt, store.findByMessageId(MessageKey.of(receipt)).orElseThrow());
      }
      assertTrue(store.get("ffffffffffffffffffffffffffffffff").isEmpty());
      assertTrue(store.get("not-an-id").isEmpty());
      assertTrue(store.findByMessageId(new MessageKey("t", null, "never-sent")).isEmpty());

      Map<String, List<Receipt>> byTenant = written.stream().collect(Collectors.groupingBy(Receipt::tenantId));
      for (var tenant : byTenant.entrySet()) {
        List<Receipt> chain = tenant.getValue();
        assertEquals(chain.subList(0, 10), store.page(tenant.getKey(), 0, 10));
        long after = chain.get(20).seq();
        assertEquals(chain.subList(21, 41), store.page(tenant.getKey(), after, 20));
        assertEquals(chain, store.page(tenant.getKey(), -5, 1000));
        Receipt last = chain.get(chain.size() - 1);
        ReceiptStore.TenantHead head = store.head(tenant.getKey()).orElseThrow();
        assertEquals(expectedHead(tenant.getKey(), chain), head);
        assertTrue(ChainVerifier.verifyTenant(store, tenant.getKey()).valid());
      }
      assertTrue(store.page("tenant-1", 0, 0).isEmpty());
      assertTrue(store.page("tenant-10", 0, 10).isEmpty(), "tenant-1's keys must not leak into tenant-10's");
      assertTrue(store.head("nobody").isEmpty());

      assertEquals(written.subList(100, 150), store.scan(100, 50));
      assertEquals(written, store.scan(0, 10_000));
      assertTrue(store.scan(500, 10).isEmpty());

      // the latest receipt of each entitlement (tenant and entitlement id)
      Map<List<String>, Receipt> entitlements = store.latestEntitlements().stream()
          .collect(Collectors.toMap(r -> List.of(r.tenantId(), r.entitlementId()), Function.identity()));
      Map<List<String>, Receipt> expected = written.stream().filter(r -> r.type() == ReceiptType.ENTITLEMENT)
          .collect(Collectors.toMap(r -> List.of(r.tenantId(), r.entitlementId()), Function.identity(),
              BinaryOperator.maxBy(Comparator.comparing(Receipt::seq))));
      assertEquals(expected, entitlements);
      assertEquals(500, store.stats().count());
      assertTrue(store.stats().bytesOnDisk() > 0);
      assertTrue(ChainVerifier.verifyAll(store).valid());
    }
  }

  /**
   * Each sign-up's link has a slot of its own among the latest entitlement receipts (RocksDB and memory alike):
   * neither the tenant's later account event nor another account's link hides it; its close takes its place; an
   * entitlement keeps its own slot beside them.
   */
  @Test
  void eachSignUpKeepsItsOwnLatestReceiptBesideTheTenantsAccountEvents() {
    try (RocksReceiptStore rocks = RocksReceiptStore.open(dir)) {
      assertSignUpSlots(rocks);
    }
    assertSignUpSlots(new MemoryReceiptStore());
  }

  private static void assertSignUpSlots(ReceiptStore store) {
    Receipt linkA = append(store, signUp("acc-a", null, "approving"));
    Receipt linkB = append(store, signUp("acc-b", null, "approving"));
    Receipt entitlement = append(store, Receipt.draft(ReceiptType.ENTITLEMENT, "su").states(null, "active")
        .entitlement("account:acc-a", "base").build());
    Receipt event = append(store, Receipt.draft(ReceiptType.ENTITLEMENT, "su").reason("ACCOUNT_CREATION_REQUESTED")
        .entitlementDetails("acc-a", null).build());
    assertEquals(java.util.Set.of(linkA, linkB, entitlement, event), java.util.Set.copyOf(store.latestEntitlements()));
    Receipt closeA = append(store, signUp("acc-a", "approving", "approved"));
    assertEquals(java.util.Set.of(closeA, linkB, entitlement, event),
        java.util.Set.copyOf(store.latestEntitlements()));
  }

  private static Receipt signUp(String account, String from, String to) {
    return Receipt.draft(ReceiptType.ENTITLEMENT, "su").states(from, to).reason("signup")
        .action("account:" + account, "accounts.approve").entitlementDetails(account, null).build();
  }

  /** Seals {@code draft} at the end of its tenant's chain and appends it. */
  private static Receipt append(ReceiptStore store, Receipt draft) {
    String prev = store.head(draft.tenantId()).map(ReceiptStore.TenantHead::hash).orElse(Receipt.GENESIS_HASH);
    Receipt sealed = ReceiptHasher.seal(draft, store.lastSeq() + 1, prev);
    store.append(List.of(sealed), true);
    return sealed;
  }

  /** The head as docs/RECEIPTS.md defines it, found by walking the chain: where the governor went last, why and when. */
  private static ReceiptStore.TenantHead expectedHead(String tenantId, List<Receipt> chain) {
    String state = null;
    String reason = null;
    Long since = null;
    for (Receipt receipt : chain) {
      boolean moves = receipt.type().carriesGovernorState()
          && (!Objects.equals(receipt.stateFrom(), receipt.stateTo()) || !Objects.equals(state, receipt.stateTo()));
      if (moves) {
        state = receipt.stateTo();
        reason = receipt.reason();
        since = receipt.timestamp();
      }
    }
    Receipt last = chain.get(chain.size() - 1);
    return new ReceiptStore.TenantHead(tenantId, last.seq(), last.hash(), state, reason, since);
  }

  @Test
  void aStoredMessageIdIsAlwaysAMaybeAndANewOneMostlyAClearNo() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      List<Receipt> written = new TestChains(0).receipts(300, 5);
      store.append(written, false);
      // in the memtable the answer is exact
      for (int i = 0; i < 300; i++) {
        assertTrue(store.mayContainMessageId(MessageKey.of(written.get(i))));
        assertFalse(store.mayContainMessageId(new MessageKey("t", null, "never-sent-" + i)));
      }
      store.compactedBytesByFamily();
      // in SST files it comes from bloom filters (10 bits per key: about 1% false maybes), never a false no
      int clearNo = 0;
      for (int i = 0; i < 300; i++) {
        assertTrue(store.mayContainMessageId(MessageKey.of(written.get(i))));
        clearNo += store.mayContainMessageId(new MessageKey("t", null, "never-sent-" + i)) ? 0 : 1;
      }
      assertTrue(clearNo >= 270, "bloom filters should rule out most new messageIds: " + clearNo + " of 300");
    }
  }

  @Test
  void seqHeadsAndReceiptsSurviveACleanRestart() {
    TestChains chains = new TestChains(0);
    List<Receipt> written = chains.receipts(300, 5);
    Map<String, ReceiptStore.TenantHead> heads;
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      store.append(written, true);
      for (Receipt receipt : written) {
        assertEquals(receipt, store.get(receipt.id()).orElseThrow());
      }
      heads = Map.of("tenant-0", store.head("tenant-0").orElseThrow(),
          "tenant-4", store.head("tenant-4").orElseThrow());
    }
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      assertEquals(300, store.lastSeq());
      heads.forEach((tenant, head) -> assertEquals(head, store.head(tenant).orElseThrow()));
      assertEquals(written, store.scan(0, 1000));
      for (Receipt receipt : written) {
        assertEquals(receipt, store.get(receipt.id()).orElseThrow());
      }
      store.append(chains.receipts(10, 5), false);
      assertEquals(310, store.lastSeq());
      assertTrue(ChainVerifier.verifyAll(store).valid());
    }
  }

  @Test
  void aCheckpointTakenWhileReceiptsAreWrittenOpensAsALedgerWithEveryChainWhole() throws Exception {
    List<Receipt> written = new TestChains(0).receipts(600, 6);
    Path backup = dir.resolve("backups").resolve("ledger-1");
    try (RocksReceiptStore store = RocksReceiptStore.open(dir.resolve("ledger"))) {
      store.append(written.subList(0, 300), true);
      // the rest is written in synced batches while the checkpoint is taken, as on a running node
      Thread writer = new Thread(() -> {
        for (int from = 300; from < 600; from += 10) {
          store.append(written.subList(from, from + 10), true);
        }
      });
      writer.start();
      store.checkpoint(backup);
      writer.join();
      assertEquals(600, store.lastSeq());
      ReceiptStoreException exists = assertThrows(ReceiptStoreException.class, () -> store.checkpoint(backup));
      assertTrue(exists.getMessage().endsWith("exists already"), exists.getMessage());
    }
    try (RocksReceiptStore restored = RocksReceiptStore.open(backup)) {
      int count = (int) restored.lastSeq();
      assertTrue(count >= 300 && count <= 600, "the checkpoint holds what was acknowledged before it: " + count);
      assertEquals(written.subList(0, count), restored.scan(0, 1000));
      ChainVerifier.Result all = ChainVerifier.verifyAll(restored);
      assertTrue(all.valid(), all::problem);
      assertEquals(count, all.count());
      Map<String, Long> perTenant = written.subList(0, count).stream()
          .collect(Collectors.groupingBy(Receipt::tenantId, Collectors.counting()));
      assertEquals(6, perTenant.size());
      perTenant.forEach((tenant, receipts) -> {
        ChainVerifier.Result chain = ChainVerifier.verifyTenant(restored, tenant);
        assertTrue(chain.valid(), chain::problem);
        assertEquals(receipts, chain.count());
        assertEquals(restored.head(tenant).orElseThrow().hash(), chain.head());
      });
      assertEquals(count, restored.stats().count());
    }
  }

  @Test
  void aGapInSeqIsRefused() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      TestChains chains = new TestChains(1);
      List<Receipt> skipping = chains.receipts(2, 1);
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> store.append(skipping, true));
      assertTrue(error.getMessage().contains("does not follow"), error.getMessage());
      assertEquals(0, store.lastSeq());
      assertTrue(store.scan(0, 10).isEmpty(), "a refused batch writes nothing");
      Receipt draft = Receipt.draft(ReceiptType.TRANSITION, "t").build();
      assertThrows(IllegalArgumentException.class, () -> store.append(List.of(draft), true));
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectorySaysItIsLocked() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      ReceiptStoreException error = assertThrows(ReceiptStoreException.class, () -> RocksReceiptStore.open(dir));
      assertTrue(error.getMessage().contains("is locked by another process"), error.getMessage());
      assertTrue(error.getMessage().contains(dir.toAbsolutePath().toString()), error.getMessage());
      assertEquals(0, store.lastSeq(), "the first store keeps working");
    }
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    ReceiptStoreException error =
        assertThrows(ReceiptStoreException.class, () -> RocksReceiptStore.open(file.resolve("ledger")));
    assertTrue(error.getMessage().startsWith("cannot create the ledger directory"), error.getMessage());
  }

  @Test
  void aClosedStoreRefusesReads() {
    RocksReceiptStore store = RocksReceiptStore.open(dir);
    store.close();
    store.close();
    ReceiptStoreException error = assertThrows(ReceiptStoreException.class, () -> store.get("x"));
    assertEquals("the receipt store is closed", error.getMessage());
  }

  @Test
  void theFactoryOpensRocksDbUnderTheDataDirectory() {
    LedgerSettings settings = new LedgerSettings("rocksdb", dir, true, 16, 100);
    try (ReceiptStore store = ReceiptStore.open(settings)) {
      assertTrue(store instanceof RocksReceiptStore);
      assertTrue(Files.isDirectory(dir.resolve("ledger")));
    }
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> ReceiptStore.open(new LedgerSettings("postgres", dir, true, 16, 100)));
    assertFalse(error.getMessage().isEmpty());
  }
}
