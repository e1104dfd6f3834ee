package tai.autonomics.cluster.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tai.autonomics.cluster.TestPostgres;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptType;

/**
 * Dead letters in the shared PostgreSQL ledger are keyed like tenant receipts ({@link MessageKey} with the chain id
 * "" and the push's subscription): a redelivery sealed by another node, or after a restart, or by several nodes at
 * once (every node writes the dead-letter chain, unlike a tenant's, which one governor writes), is answered with the
 * original and never stored twice. A dead letter without a messageId has no key.
 */
class PostgresDeadLetterTest {
  private static final String SUB = "projects/p/subscriptions/s";

  private static Receipt deadLetter(String subscription, String messageId, int attempt) {
    return Receipt.draft(ReceiptType.DEAD_LETTER, "").reason("decode_failed").messageId(messageId)
        .delivery(new Receipt.DeliveryRecord(subscription, attempt, null, null))
        .deadLetter(new Receipt.DeadLetterRecord("POST /pubsub: not base64", messageId, "e30=", 2L, "b".repeat(64)))
        .build();
  }

  /** Sealed as a node's Ledger would that has not seen the dead-letter chain grow: at seq 1, on genesis. */
  private static List<Receipt> sealedAlone(Receipt draft) {
    return List.of(ReceiptHasher.seal(draft, 1, Receipt.GENESIS_HASH));
  }

  @Test
  void aRedeliveredDeadLetterIsAnsweredWithTheOriginalByAnotherNodeAndAfterReopening() {
    PostgresSettings settings = TestPostgres.get().settings();
    Receipt original;
    try (PostgresReceiptStore one = PostgresReceiptStore.open(settings);
        PostgresReceiptStore two = PostgresReceiptStore.open(settings)) {
      original = one.commit(sealedAlone(deadLetter(SUB, "m-1", 1)), true).get(0);
      assertEquals(original, two.commit(sealedAlone(deadLetter(SUB, "m-1", 2)), true).get(0), "another node");
      assertEquals(original, two.findByMessageId(new MessageKey("", SUB, "m-1")).orElseThrow());
      Receipt otherSubscription = two.commit(sealedAlone(deadLetter("projects/p/subscriptions/x", "m-1", 1)), true)
          .get(0);
      assertNotEquals(original.id(), otherSubscription.id(), "another subscription's m-1 is another message");
      Receipt noId = one.commit(sealedAlone(deadLetter(SUB, null, 1)), true).get(0);
      Receipt noIdAgain = two.commit(sealedAlone(deadLetter(SUB, null, 1)), true).get(0);
      assertNotEquals(noId.id(), noIdAgain.id(), "without a messageId every dead letter is its own");
    }
    try (PostgresReceiptStore reopened = PostgresReceiptStore.open(settings)) {
      assertEquals(original, reopened.commit(sealedAlone(deadLetter(SUB, "m-1", 3)), true).get(0));
      assertEquals(4, reopened.page("", 0, 100).size(), "nothing stored twice");
      assertTrue(ChainVerifier.verifyTenant(reopened, "").valid(), "one chain, re-linked, never forked");
    }
  }

  @Test
  void nodesRacingOnOneRedeliveryStoreItOnce() throws Exception {
    PostgresSettings settings = TestPostgres.get().settings();
    int nodes = 4;
    List<PostgresReceiptStore> stores = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      for (int i = 0; i < nodes; i++) {
        stores.add(PostgresReceiptStore.open(settings));
      }
      // the chain exists already: a racing writer then waits on its head row instead of racing to create it
      stores.get(0).commit(sealedAlone(deadLetter(SUB, "first", 1)), true);
      for (int round = 0; round < 5; round++) {
        String messageId = "race-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Receipt>> answers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
          PostgresReceiptStore store = stores.get(i);
          Receipt sealed = ReceiptHasher.seal(deadLetter(SUB, messageId, i + 1), 2, "0".repeat(64));
          answers.add(pool.submit(() -> {
            go.await();
            return store.commit(List.of(sealed), true).get(0);
          }));
        }
        go.countDown();
        Receipt winner = answers.get(0).get(30, TimeUnit.SECONDS);
        for (Future<Receipt> answer : answers) {
          assertEquals(winner, answer.get(30, TimeUnit.SECONDS), "every node answers with the one stored");
        }
      }
      assertEquals(6, stores.get(0).page("", 0, 100).size());
      assertTrue(ChainVerifier.verifyTenant(stores.get(0), "").valid());
    } finally {
      pool.shutdownNow();
      stores.forEach(PostgresReceiptStore::close);
    }
  }
}
