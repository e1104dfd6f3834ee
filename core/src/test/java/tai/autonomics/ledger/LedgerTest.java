package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ledger actor: sealing, group commit, de-duplication, batch appends, overload, failure and restart. */
class LedgerTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<Ledger.Command> spawn(ReceiptStore store, boolean durable, int maxBatch, int maxPending) {
    return testKit.spawn(Behaviors.supervise(Ledger.create(store,
            new LedgerSettings("test", Path.of("."), durable, maxBatch, maxPending)))
        .onFailure(SupervisorStrategy.restart()));
  }

  private static Receipt draft(String tenant, String messageId) {
    return Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", "warning").reason("cpu")
        .messageId(messageId).build();
  }

  private static Receipt append(ActorRef<Ledger.Command> ledger, Receipt draft) {
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    ledger.tell(new Ledger.Append(draft, probe.getRef()));
    StatusReply<Receipt> reply = probe.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), () -> "error: " + reply);
    return reply.getValue();
  }

  private static Receipt.DeliveryRecord on(String subscription) {
    return new Receipt.DeliveryRecord(subscription, null, null, null);
  }

  @Test
  void aMessageIdIsARepeatOnlyWithinItsTenantAndScopeAlsoInsideOneCommit() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 10_000);
      Receipt alpha = Receipt.draft(ReceiptType.TRANSITION, "alpha").states("stable", "stable").reason("ok")
          .messageId("same-id-1").delivery(on("sub-a")).build();
      Receipt beta = Receipt.draft(ReceiptType.TRANSITION, "beta").states("stable", "warning").reason("cpu")
          .messageId("same-id-1").delivery(on("sub-a")).build();
      Receipt betaOtherTopic = Receipt.draft(ReceiptType.TRANSITION, "beta").states("stable", "stable").reason("ok")
          .messageId("same-id-1").delivery(on("sub-b")).build();
      TestProbe<StatusReply<List<Receipt>>> probe = testKit.createTestProbe();
      // one commit: the uncommitted repeat waits for its own original, never for another tenant's
      ledger.tell(new Ledger.AppendBatch(List.of(alpha, beta, betaOtherTopic, beta, alpha), probe.getRef()));
      List<Receipt> answered = probe.receiveMessage(WAIT).getValue();
      assertEquals(List.of("alpha", "beta", "beta", "beta", "alpha"),
          answered.stream().map(Receipt::tenantId).toList());
      assertEquals(3, answered.stream().map(Receipt::id).distinct().count());
      assertEquals(answered.get(1), answered.get(3));
      assertEquals(answered.get(0), answered.get(4));
      assertEquals(answered.get(1), append(ledger, beta), "a later repeat: the stored original");
      assertEquals(3, store.lastSeq());
    }
  }

  @Test
  void concurrentDurableAppendsAreSealedGapFreeChainedAndStoredBeforeTheAnswer() {
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 10_000);
      TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
      for (int i = 0; i < 600; i++) {
        ledger.tell(new Ledger.Append(draft("tenant-" + i % 5, "m-" + i), probe.getRef()));
      }
      Set<Long> seqs = new HashSet<>();
      for (int i = 0; i < 600; i++) {
        Receipt receipt = probe.receiveMessage(WAIT).getValue();
        assertEquals(receipt, store.get(receipt.id()).orElseThrow(), "answered only once stored");
        assertEquals(32, receipt.id().length());
        assertEquals(ReceiptHasher.hash(receipt), receipt.hash());
        seqs.add(receipt.seq());
      }
      assertEquals(600, seqs.size());
      assertEquals(600L, seqs.stream().mapToLong(Long::longValue).max().orElseThrow());
      ChainVerifier.Result result = ChainVerifier.verifyAll(store);
      assertTrue(result.valid(), result::problem);
      assertEquals(Receipt.GENESIS_HASH, store.page("tenant-3", 0, 1).get(0).prevHash());
    }
  }

  @Test
  void appendsArrivingDuringAWriteGoIntoTheNextBatchesUpToMaxBatch() throws Exception {
    ControlledStore store = new ControlledStore(new MemoryReceiptStore());
    ActorRef<Ledger.Command> ledger = spawn(store, true, 4, 100);
    store.hold();
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    ledger.tell(new Ledger.Append(draft("t", null), probe.getRef()));
    store.awaitHeldWrite();
    for (int i = 0; i < 10; i++) {
      ledger.tell(new Ledger.Append(draft("t", null), probe.getRef()));
    }
    TestProbe<Ledger.Head> heads = testKit.createTestProbe();
    ledger.tell(new Ledger.GetHead("t", heads.getRef()));
    assertEquals(11, heads.receiveMessage(WAIT).head().seq(), "the head counts receipts not yet committed");
    probe.expectNoMessage(Duration.ofMillis(100));
    store.release();
    for (int i = 1; i <= 11; i++) {
      assertEquals(i, probe.receiveMessage(WAIT).getValue().seq());
    }
    assertEquals(List.of(1, 4, 4, 2), store.batchSizes());
  }

  @Test
  void anAppendBatchIsNeverSplitAcrossCommitsByMaxBatch() throws Exception {
    ControlledStore store = new ControlledStore(new MemoryReceiptStore());
    ActorRef<Ledger.Command> ledger = spawn(store, true, 4, 100);
    store.hold();
    TestProbe<StatusReply<Receipt>> singles = testKit.createTestProbe();
    ledger.tell(new Ledger.Append(draft("t", null), singles.getRef()));
    store.awaitHeldWrite();
    // queued behind the held write: 3 singles, then a batch of 3 that max-batch 4 would cut after its first receipt
    for (int i = 0; i < 3; i++) {
      ledger.tell(new Ledger.Append(draft("t", null), singles.getRef()));
    }
    TestProbe<StatusReply<List<Receipt>>> batch = testKit.createTestProbe();
    ledger.tell(new Ledger.AppendBatch(List.of(draft("u", null), draft("u", null), draft("u", null)),
        batch.getRef()));
    ledger.tell(new Ledger.Append(draft("t", null), singles.getRef()));
    store.release();
    assertEquals(List.of(5L, 6L, 7L), batch.receiveMessage(WAIT).getValue().stream().map(Receipt::seq).toList());
    for (int i = 0; i < 5; i++) {
      assertTrue(singles.receiveMessage(WAIT).isSuccess());
    }
    assertEquals(List.of(1, 6, 1), store.batchSizes(), "the batch of three went whole into the second commit");
  }

  @Test
  void aRepeatedMessageIdIsAnsweredWithTheOriginalReceipt() {
    MemoryReceiptStore store = new MemoryReceiptStore();
    ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 100);
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    // the second arrives while the first is not durable yet, the third once it is stored
    ledger.tell(new Ledger.Append(draft("t", "msg-1"), probe.getRef()));
    ledger.tell(new Ledger.Append(draft("t", "msg-1"), probe.getRef()));
    Receipt original = probe.receiveMessage(WAIT).getValue();
    assertEquals(original, probe.receiveMessage(WAIT).getValue());
    assertEquals(original, append(ledger, draft("t", "msg-1")));
    assertEquals(1, store.lastSeq());

    TestProbe<StatusReply<List<Receipt>>> batch = testKit.createTestProbe();
    ledger.tell(new Ledger.AppendBatch(List.of(draft("t", "msg-2"), draft("t", "msg-1"), draft("t", "msg-2")),
        batch.getRef()));
    List<Receipt> answered = batch.receiveMessage(WAIT).getValue();
    assertEquals(2L, answered.get(0).seq());
    assertEquals(original, answered.get(1));
    assertEquals(answered.get(0), answered.get(2));
    assertEquals(2, store.lastSeq());
  }

  /**
   * {@link Ledger.AppendOrFind} says whether it wrote, however alike the drafts are: one draft sent twice (the same
   * millisecond, the same fields: nothing but the ledger can tell them apart) is written once, and the repeat, while
   * the first is in flight and once it is stored, is told it was not. A shared store that answers with another
   * node's original (another id) is no write either.
   */
  @Test
  void appendOrFindTellsAWriteFromARepeatOfTheSameMillisecond() {
    MemoryReceiptStore memory = new MemoryReceiptStore();
    ActorRef<Ledger.Command> ledger = spawn(memory, true, 64, 100);
    TestProbe<StatusReply<Ledger.Appended>> probe = testKit.createTestProbe();
    Receipt twin = draft("t", "twin");
    ledger.tell(new Ledger.AppendOrFind(twin, probe.getRef()));
    ledger.tell(new Ledger.AppendOrFind(twin, probe.getRef()));
    Ledger.Appended first = probe.receiveMessage(WAIT).getValue();
    Ledger.Appended second = probe.receiveMessage(WAIT).getValue();
    assertTrue(first.written());
    assertFalse(second.written(), "the repeat in flight");
    assertEquals(first.receipt(), second.receipt());
    ledger.tell(new Ledger.AppendOrFind(twin, probe.getRef()));
    Ledger.Appended stored = probe.receiveMessage(WAIT).getValue();
    assertFalse(stored.written(), "the repeat once stored");
    assertEquals(first.receipt(), stored.receipt());
    assertEquals(1, memory.lastSeq());

    // another node stored the key first: this ledger did not see it, the shared store answers with its receipt
    Receipt theirs = ReceiptHasher.seal(draft("t", "raced"), 99, Receipt.GENESIS_HASH);
    ReceiptStore shared = new ForwardingReceiptStore(new MemoryReceiptStore()) {
      @Override
      public List<Receipt> commit(List<Receipt> batch, boolean sync) {
        return batch.stream().map(r -> "raced".equals(r.messageId()) ? theirs : r).toList();
      }
    };
    ActorRef<Ledger.Command> racing = spawn(shared, true, 64, 100);
    racing.tell(new Ledger.AppendOrFind(draft("t", "raced"), probe.getRef()));
    Ledger.Appended raced = probe.receiveMessage(WAIT).getValue();
    assertEquals(theirs, raced.receipt());
    assertFalse(raced.written(), "the other node's original");
    racing.tell(new Ledger.AppendOrFind(draft("t", "own"), probe.getRef()));
    assertTrue(probe.receiveMessage(WAIT).getValue().written());
  }

  @Test
  void aRecordIsWrittenWholeAndAnsweredOnlyWhenItFails() throws Exception {
    ControlledStore store = new ControlledStore(new MemoryReceiptStore());
    ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 3);
    TestProbe<Ledger.NotRecorded> failures = testKit.createTestProbe();
    ledger.tell(new Ledger.Record(List.of(draft("t", null), draft("t", null)), failures.getRef()));
    ledger.tell(new Ledger.Record(List.of(), failures.getRef()));
    // written, in order and in one commit, and nobody is told
    TestProbe<Ledger.Head> heads = testKit.createTestProbe();
    heads.awaitAssert(() -> {
      assertEquals(2, store.lastSeq());
      return null;
    });
    assertEquals(List.of(2), store.batchSizes());
    failures.expectNoMessage(Duration.ofMillis(100));

    Receipt unhashable = Receipt.draft(ReceiptType.TRANSITION, "t").timestamp(Long.MAX_VALUE).build();
    ledger.tell(new Ledger.Record(List.of(draft("t", null), unhashable), failures.getRef()));
    assertTrue(failures.receiveMessage(WAIT).reason().startsWith("invalid_receipt"));
    ledger.tell(new Ledger.Record(List.of(draft("t", null), draft("t", null), draft("t", null), draft("t", null)),
        failures.getRef()));
    assertEquals(new Ledger.NotRecorded("overloaded"), failures.receiveMessage(WAIT));
    store.failNext(1);
    ledger.tell(new Ledger.Record(List.of(draft("t", null)), failures.getRef()));
    assertEquals(new Ledger.NotRecorded("ledger_unavailable"), failures.receiveMessage(WAIT));
    ledger.tell(new Ledger.GetHead("t", heads.getRef()));
    assertEquals(2, heads.receiveMessage(WAIT).head().seq(), "nothing refused or failed was written");
  }

  @Test
  void aBatchIsAnsweredOnceWithEveryReceiptInOrder() {
    MemoryReceiptStore store = new MemoryReceiptStore();
    ActorRef<Ledger.Command> ledger = spawn(store, false, 64, 100);
    TestProbe<StatusReply<List<Receipt>>> probe = testKit.createTestProbe();
    List<Receipt> drafts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      drafts.add(draft("tenant-" + i % 2, null));
    }
    ledger.tell(new Ledger.AppendBatch(drafts, probe.getRef()));
    List<Receipt> sealed = probe.receiveMessage(WAIT).getValue();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), sealed.stream().map(Receipt::seq).toList());
    assertEquals(sealed.get(0).hash(), sealed.get(2).prevHash());
    probe.expectNoMessage(Duration.ofMillis(50));

    ledger.tell(new Ledger.AppendBatch(List.of(), probe.getRef()));
    assertEquals(List.of(), probe.receiveMessage(WAIT).getValue());
    Receipt unhashable = Receipt.draft(ReceiptType.TRANSITION, "t").timestamp(Long.MAX_VALUE).build();
    ledger.tell(new Ledger.AppendBatch(List.of(draft("t", null), unhashable), probe.getRef()));
    StatusReply<List<Receipt>> refused = probe.receiveMessage(WAIT);
    assertTrue(refused.isError());
    assertTrue(refused.getError().getMessage().startsWith("invalid_receipt"), refused.getError().getMessage());
    assertEquals(5, store.lastSeq(), "a refused batch writes nothing");
  }

  @Test
  void beyondMaxPendingAppendsAreRefusedAsOverloaded() throws Exception {
    ControlledStore store = new ControlledStore(new MemoryReceiptStore());
    ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 3);
    store.hold();
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    ledger.tell(new Ledger.Append(draft("t", null), probe.getRef()));
    store.awaitHeldWrite();
    for (int i = 0; i < 4; i++) {
      ledger.tell(new Ledger.Append(draft("t", null), probe.getRef()));
    }
    StatusReply<Receipt> refused = probe.receiveMessage(WAIT);
    assertEquals("overloaded", refused.getError().getMessage());
    store.release();
    for (int i = 1; i <= 4; i++) {
      assertEquals(i, probe.receiveMessage(WAIT).getValue().seq());
    }
  }

  @Test
  void aFailedWriteFailsItsAppendersAndTheRestartedLedgerContinuesFromTheStore() throws Exception {
    ControlledStore store = new ControlledStore(new MemoryReceiptStore());
    ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 100);
    Receipt first = append(ledger, draft("t", "a"));
    store.hold();
    store.failNext(1);
    TestProbe<StatusReply<Receipt>> probe = testKit.createTestProbe();
    ledger.tell(new Ledger.Append(draft("t", "b"), probe.getRef()));
    store.awaitHeldWrite();
    ledger.tell(new Ledger.Append(draft("t", "c"), probe.getRef()));
    store.release();
    assertEquals("ledger_unavailable", probe.receiveMessage(WAIT).getError().getMessage());
    assertEquals("ledger_unavailable", probe.receiveMessage(WAIT).getError().getMessage());

    Receipt after = append(ledger, draft("t", "b"));
    assertEquals(2L, after.seq(), "seqs of failed appends are given out again: no gap");
    assertEquals(first.hash(), after.prevHash());
    assertTrue(ChainVerifier.verifyAll(store).valid());
  }

  @Test
  void aLedgerOverTheReopenedStoreContinuesEveryChain() {
    Receipt lastOfA;
    Receipt lastOfB;
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 100);
      append(ledger, draft("a", null));
      lastOfB = append(ledger, Receipt.draft(ReceiptType.REFUSAL, "b").states("warning", "quarantined").build());
      lastOfA = append(ledger, draft("a", null));
      append(ledger, Receipt.draft(ReceiptType.ACTION_RESULT, "b").action("act-1", "scale").build());
      testKit.stop(ledger, WAIT);
    }
    try (RocksReceiptStore store = RocksReceiptStore.open(dir)) {
      assertEquals(4, store.lastSeq());
      ActorRef<Ledger.Command> ledger = spawn(store, true, 64, 100);
      TestProbe<Ledger.Head> heads = testKit.createTestProbe();
      ledger.tell(new Ledger.GetHead("b", heads.getRef()));
      ReceiptStore.TenantHead headOfB = heads.receiveMessage(WAIT).head();
      assertNotNull(headOfB);
      assertEquals(4, headOfB.seq());
      assertEquals("quarantined", headOfB.governorState(), "the governor state survives the restart");
      assertFalse(lastOfB.hash().equals(headOfB.hash()));

      Receipt nextOfA = append(ledger, draft("a", null));
      assertEquals(5L, nextOfA.seq());
      assertEquals(lastOfA.hash(), nextOfA.prevHash());
      Receipt nextOfB = append(ledger, draft("b", null));
      assertEquals(headOfB.hash(), nextOfB.prevHash());
      assertTrue(ChainVerifier.verifyAll(store).valid());
      testKit.stop(ledger, WAIT);
    }
  }
}
