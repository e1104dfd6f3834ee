package tai.autonomics.cluster.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tai.autonomics.cluster.TestPostgres;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;

/** The ReceiptStore contract on a real PostgreSQL, plus what a shared store adds: re-linking and racing writers. */
class PostgresReceiptStoreTest {
  private PostgresSettings settings;
  private PostgresReceiptStore store;

  @BeforeEach
  void open() {
    settings = TestPostgres.get().settings();
    store = PostgresReceiptStore.open(settings);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Receipt transition(String tenant, String to, String messageId) {
    return Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", to).reason("ok")
        .signal("cpu", 10.0, null).messageId(messageId).policy("base@1").build();
  }

  private static List<Object> headEntry(ReceiptStore.TenantHead head) {
    return List.of(head.governorState(), head.governorReason(), head.governorSince());
  }

  /** Seals drafts the way a single Ledger would, continuing from {@code seq} and the given tenant hash. */
  private static List<Receipt> sealChain(long seq, String prev, Receipt... drafts) {
    List<Receipt> sealed = new ArrayList<>();
    for (Receipt draft : drafts) {
      Receipt receipt = ReceiptHasher.seal(draft, ++seq, prev);
      prev = receipt.hash();
      sealed.add(receipt);
    }
    return sealed;
  }

  @Test
  void appendedReceiptsAreReadBackByIdPageMessageIdAndHead() {
    List<Receipt> batch = sealChain(0, Receipt.GENESIS_HASH,
        transition("t1", "stable", "m1"), transition("t1", "warning", "m2"), transition("t1", "stable", null));
    List<Receipt> stored = store.commit(batch, true);
    assertEquals(batch, stored, "a correctly sealed batch is stored as given");

    assertEquals(batch.get(1), store.get(batch.get(1).id()).orElseThrow());
    assertTrue(store.get("f".repeat(32)).isEmpty());
    assertEquals(batch, store.page("t1", 0, 10));
    assertEquals(batch.subList(1, 3), store.page("t1", 1, 10));
    assertEquals(batch.subList(0, 2), store.page("t1", 0, 2));
    assertTrue(store.page("nobody", 0, 10).isEmpty());
    assertEquals(batch.get(0), store.findByMessageId(MessageKey.of(batch.get(0))).orElseThrow());
    assertTrue(store.findByMessageId(new MessageKey("t1", null, "m9")).isEmpty());

    ReceiptStore.TenantHead head = store.head("t1").orElseThrow();
    assertEquals(3, head.seq());
    assertEquals(batch.get(2).hash(), head.hash());
    assertEquals("stable", head.governorState());
    assertTrue(store.head("nobody").isEmpty());
    assertEquals(3, store.lastSeq());
    assertEquals(3, store.stats().count());
    assertTrue(store.stats().bytesOnDisk() > 0);
    assertEquals(batch, store.scan(0, 100));
    assertTrue(ChainVerifier.verifyTenant(store, "t1").valid());
  }

  @Test
  void deadLettersAndDeliveryMetadataAreKeptInTheirChainsAndVerified() {
    Receipt letter = Receipt.draft(ReceiptType.DEAD_LETTER, "").reason("invalid_json")
        .delivery(new Receipt.DeliveryRecord("projects/p/subscriptions/s", 4, "2026-12-02T10:00:00Z", null))
        .deadLetter(new Receipt.DeadLetterRecord("POST /pubsub: not JSON", "m-dl", "e25v", 3L, "a".repeat(64)))
        .build();
    List<Receipt> letters = store.commit(sealChain(0, Receipt.GENESIS_HASH, letter), true);
    Receipt decided = Receipt.draft(ReceiptType.TRANSITION, "t9").states("stable", "stable").reason("ok")
        .signal("cpu", 10.0, null).messageId("m-9").policy("base@1")
        .delivery(new Receipt.DeliveryRecord("projects/p/subscriptions/s", 1, null, "key-1")).build();
    List<Receipt> signals = store.commit(sealChain(1, Receipt.GENESIS_HASH, decided), true);
    assertEquals(letters, store.page("", 0, 10), "the dead letters' chain, read back field for field");
    assertEquals(signals.get(0), store.get(signals.get(0).id()).orElseThrow());
    assertTrue(ChainVerifier.verifyTenant(store, "").valid());
    assertTrue(ChainVerifier.verifyTenant(store, "t9").valid());
    assertTrue(store.findByMessageId(new MessageKey("", "projects/p/subscriptions/s", "m-dl")).isEmpty(), "a dead letter's message id is not a de-duplication key");
  }

  @Test
  void headKeepsTheLastGovernorStateAcrossEntitlementReceipts() {
    Receipt warn = transition("t2", "warning", null);
    Receipt grant = Receipt.draft(ReceiptType.ENTITLEMENT, "t2").states("pending", "active")
        .entitlement("e-1", "base").build();
    List<Receipt> written = store.commit(sealChain(0, Receipt.GENESIS_HASH, warn, grant), true);
    assertEquals(new ReceiptStore.TenantHead("t2", written.get(1).seq(), written.get(1).hash(), "warning", "ok",
        warn.timestamp()), store.head("t2").orElseThrow(), "why and when the governor entered its state");
    assertEquals(List.of("e-1"), store.latestEntitlements().stream().map(Receipt::entitlementId).toList());

    Receipt upgrade = Receipt.draft(ReceiptType.ENTITLEMENT, "t2").states("active", "active")
        .entitlement("e-1", "enterprise").build();
    ReceiptStore.TenantHead head = store.head("t2").orElseThrow();
    store.commit(sealChain(head.seq(), head.hash(), upgrade), false);
    // a decision that keeps the governor where it is leaves that entry alone; one that moves it replaces it
    Receipt stillWarning = Receipt.draft(ReceiptType.REFUSAL, "t2").states("warning", "warning")
        .reason("invalid_signal").timestamp(warn.timestamp() + 5).build();
    head = store.head("t2").orElseThrow();
    store.commit(sealChain(head.seq(), head.hash(), stillWarning), true);
    assertEquals(List.of("warning", "ok", warn.timestamp()), headEntry(store.head("t2").orElseThrow()));
    Receipt refusing = Receipt.draft(ReceiptType.TRANSITION, "t2").states("warning", "refusing")
        .reason("entitlement_inactive").timestamp(warn.timestamp() + 9).build();
    head = store.head("t2").orElseThrow();
    store.commit(sealChain(head.seq(), head.hash(), refusing), true);
    assertEquals(List.of("refusing", "entitlement_inactive", warn.timestamp() + 9),
        headEntry(store.head("t2").orElseThrow()));
    List<Receipt> latest = store.latestEntitlements();
    assertEquals(1, latest.size());
    assertEquals("enterprise", latest.get(0).sku());
  }

  @Test
  void aReceiptForAStoredMessageIdIsAnsweredWithTheOriginal() {
    Receipt original = store.commit(sealChain(0, Receipt.GENESIS_HASH, transition("t3", "stable", "dup")), true)
        .get(0);
    // another node, not knowing, seals the same message again, plus one more receipt behind it in the same batch
    List<Receipt> again = sealChain(0, Receipt.GENESIS_HASH, transition("t3", "stable", "dup"),
        transition("t3", "warning", "fresh"));
    List<Receipt> stored = store.commit(again, true);
    assertEquals(original, stored.get(0));
    assertEquals(2, stored.get(1).seq());
    assertEquals(original.hash(), stored.get(1).prevHash(), "the next receipt links to the stored original");
    assertEquals(again.get(1).id(), stored.get(1).id(), "re-linking keeps the id");
    assertEquals(2, store.lastSeq(), "the duplicate took no seq");
    assertTrue(ChainVerifier.verifyTenant(store, "t3").valid());
  }

  @Test
  void duplicatesInsideOneBatchGetTheFirstReceipt() {
    List<Receipt> batch = sealChain(0, Receipt.GENESIS_HASH, transition("t4", "stable", "same"));
    List<Receipt> twice = List.of(batch.get(0), batch.get(0));
    List<Receipt> stored = store.commit(twice, true);
    assertEquals(stored.get(0), stored.get(1));
    assertEquals(1, store.lastSeq());
  }

  @Test
  void staleSealsAreRelinkedSoChainsNeverFork() {
    // two ledgers that both believe they write the tenant's first receipt at seq 1
    List<Receipt> fromNodeA = sealChain(0, Receipt.GENESIS_HASH, transition("t5", "stable", null));
    List<Receipt> fromNodeB = sealChain(0, Receipt.GENESIS_HASH, transition("t5", "warning", null),
        transition("other", "stable", null));
    Receipt a = store.commit(fromNodeA, true).get(0);
    List<Receipt> b = store.commit(fromNodeB, true);
    assertEquals(a, fromNodeA.get(0));
    assertNotEquals(fromNodeB.get(0).hash(), b.get(0).hash());
    assertEquals(a.hash(), b.get(0).prevHash());
    assertEquals(List.of(2L, 3L), b.stream().map(Receipt::seq).toList());
    assertEquals(b.get(0), store.get(fromNodeB.get(0).id()).orElseThrow());
    assertEquals("warning", store.head("t5").orElseThrow().governorState());
    assertTrue(ChainVerifier.verifyTenant(store, "t5").valid());
    assertTrue(ChainVerifier.verifyTenant(store, "other").valid());
  }

  @Test
  void concurrentWritersKeepEveryChainLinearAndSeqGapFree() throws Exception {
    int writers = 4;
    int batches = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          int written = 0;
          for (int b = 0; b < batches; b++) {
            // every writer seals as if it were alone, over tenants that all writers share
            List<Receipt> batch = sealChain(0, Receipt.GENESIS_HASH,
                transition("shared-" + (b % 3), "stable", "w" + writer + "-b" + b),
                transition("shared-" + ((b + 1) % 3), "warning", null),
                transition("own-" + writer, "stable", null));
            written += store.commit(batch, true).size();
          }
          return written;
        }));
      }
      int total = 0;
      for (Future<Integer> writer : done) {
        total += writer.get(60, TimeUnit.SECONDS);
      }
      assertEquals(writers * batches * 3, total);
    } finally {
      pool.shutdownNow();
    }
    long expected = (long) writers * batches * 3;
    assertEquals(expected, store.lastSeq());
    List<Receipt> all = store.scan(0, (int) expected + 10);
    assertEquals(expected, all.size());
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).seq(), "seq is gap-free");
    }
    Set<String> tenants = all.stream().map(Receipt::tenantId).collect(Collectors.toSet());
    for (String tenant : tenants) {
      ChainVerifier.Result result = ChainVerifier.verifyTenant(store, tenant);
      assertTrue(result.valid(), () -> tenant + ": " + result.problem());
    }
  }

  /** A draft for a message: a signal's (subscription) or a Procurement event's (provider). */
  private static Receipt message(String tenant, String id, String subscription, String provider) {
    return Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", "stable").reason("ok")
        .signal("cpu", 10.0, null).messageId(id).providerId(provider).policy("base@1")
        .delivery(subscription == null ? null : new Receipt.DeliveryRecord(subscription, null, null, null)).build();
  }

  private Receipt commitOne(Receipt draft) {
    return store.commit(sealChain(store.lastSeq(), Receipt.GENESIS_HASH, draft), true).get(0);
  }

  @Test
  void aMessageIdIsARepeatOnlyForTheSameTenantAndScopeAlsoAfterReopening() {
    Receipt alpha = commitOne(message("alpha", "same-id-1", "sub-a", null));
    Receipt beta = commitOne(message("beta", "same-id-1", "sub-a", null));
    Receipt betaOtherSubscription = commitOne(message("beta", "same-id-1", "sub-b", null));
    Receipt providerOne = commitOne(message("alpha", "ev-1", null, "p1"));
    Receipt providerTwo = commitOne(message("alpha", "ev-1", null, "p2"));
    List<Receipt> written = List.of(alpha, beta, betaOtherSubscription, providerOne, providerTwo);
    assertEquals(5, written.stream().map(Receipt::id).distinct().count(), "five messages, five receipts");
    assertEquals("beta", beta.tenantId());
    // a repeat, in a later commit, is answered with the original and not written
    assertEquals(beta, commitOne(message("beta", "same-id-1", "sub-a", null)));
    assertEquals(providerTwo, commitOne(message("alpha", "ev-1", "some-subscription", "p2")),
        "a Procurement event is keyed by its provider, whatever subscription carried it");
    assertEquals(5, store.lastSeq());
    try (PostgresReceiptStore again = PostgresReceiptStore.open(settings)) {
      for (Receipt receipt : written) {
        assertEquals(receipt, again.findByMessageId(MessageKey.of(receipt)).orElseThrow());
      }
      assertTrue(again.findByMessageId(new MessageKey("gamma", "sub-a", "same-id-1")).isEmpty());
    }
  }

  @Test
  void theLatestReceiptOfEachEntitlementOfATenantIsRead() {
    Receipt a = commitOne(Receipt.draft(ReceiptType.ENTITLEMENT, "acct").states(null, "active")
        .entitlement("ent-a", "base").build());
    commitOne(Receipt.draft(ReceiptType.ENTITLEMENT, "acct").states(null, "pending")
        .entitlement("ent-b", "enterprise").build());
    Receipt b = commitOne(Receipt.draft(ReceiptType.ENTITLEMENT, "acct").states("pending", "active")
        .entitlement("ent-b", "enterprise").build());
    assertEquals(java.util.Set.of(a, b), java.util.Set.copyOf(store.latestEntitlements()));
  }

  /**
   * Each sign-up's link has a slot of its own among the latest entitlement receipts: neither the tenant's later
   * account event nor another account's link hides it; its close takes its place.
   */
  @Test
  void eachSignUpKeepsItsOwnLatestReceiptBesideTheTenantsAccountEvents() {
    Receipt linkA = commitOne(signUp("acc-a", null, "approving"));
    Receipt linkB = commitOne(signUp("acc-b", null, "approving"));
    Receipt event = commitOne(Receipt.draft(ReceiptType.ENTITLEMENT, "su").reason("ACCOUNT_CREATION_REQUESTED")
        .entitlementDetails("acc-a", null).build());
    assertEquals(java.util.Set.of(linkA, linkB, event), java.util.Set.copyOf(store.latestEntitlements()));
    Receipt closeA = commitOne(signUp("acc-a", "approving", "approved"));
    assertEquals(java.util.Set.of(closeA, linkB, event), java.util.Set.copyOf(store.latestEntitlements()));
  }

  private static Receipt signUp(String account, String from, String to) {
    return Receipt.draft(ReceiptType.ENTITLEMENT, "su").states(from, to).reason("signup")
        .action("account:" + account, "accounts.approve").entitlementDetails(account, null).build();
  }

  @Test
  void reopeningKeepsEverythingAndUnsealedReceiptsAreRejected() {
    List<Receipt> batch = sealChain(0, Receipt.GENESIS_HASH, transition("t6", "stable", "keep"));
    store.commit(batch, true);
    try (PostgresReceiptStore again = PostgresReceiptStore.open(settings)) {
      assertEquals(batch.get(0), again.findByMessageId(MessageKey.of(batch.get(0))).orElseThrow());
      assertEquals(1, again.lastSeq());
    }
    assertThrows(IllegalArgumentException.class, () -> store.commit(List.of(transition("t6", "x", null)), true));
  }

  @Test
  void anUnreachableDatabaseFailsAtOpenWithAClearMessage() {
    PostgresSettings nowhere = new PostgresSettings("jdbc:postgresql://127.0.0.1:1/postgres", "postgres", "",
        "nowhere", 1, java.time.Duration.ofSeconds(2), 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PostgresReceiptStore.open(nowhere));
    assertTrue(e.getMessage().startsWith("cannot open the PostgreSQL ledger at jdbc:postgresql://127.0.0.1:1"),
        e.getMessage());
  }
}
