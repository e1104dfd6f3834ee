package tai.autonomics.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;
import tai.autonomics.ledger.RocksLayout.Family;

class WriteBatchBytesTest {
  @TempDir
  Path dir;

  @Test
  void theBytesAreThoseOfABatchBuiltWithRocksJavasOwnPuts() throws Exception {
    try (RocksLayout layout = RocksLayout.open(dir)) {
      Random random = new Random(5);
      WriteBatchBytes ours = new WriteBatchBytes(16);
      try (WriteBatch theirs = new WriteBatch()) {
        for (int i = 0; i < 500; i++) {
          Family family = Family.values()[random.nextInt(Family.values().length)];
          // lengths on both sides of every varint boundary (127/128, 16383/16384), empty ones included
          byte[] key = randomBytes(random, random.nextInt(4) == 0 ? 120 + random.nextInt(20) : random.nextInt(40));
          byte[] value = randomBytes(random, random.nextInt(8) == 0 ? 16_380 + random.nextInt(10) : random.nextInt(300));
          ours.put(layout.familyId(family), key, value);
          theirs.put(layout.handle(family), key, value);
        }
        try (WriteBatch built = ours.toWriteBatch()) {
          assertEquals(theirs.count(), built.count());
          assertArrayEquals(theirs.data(), built.data());
        }
      }
    }
  }

  @Test
  void aWrittenBatchIsReadBack() throws Exception {
    try (RocksLayout layout = RocksLayout.open(dir)) {
      WriteBatchBytes batch = new WriteBatchBytes(0);
      batch.put(layout.familyId(Family.BY_MESSAGE_ID), bytes("m-1"), bytes("first"));
      batch.put(layout.familyId(Family.HEADS), bytes("tenant"), bytes("head"));
      try (WriteBatch serialized = batch.toWriteBatch()) {
        layout.write(serialized, true);
      }
      assertArrayEquals(bytes("first"), layout.get(Family.BY_MESSAGE_ID, bytes("m-1")));
      assertArrayEquals(bytes("head"), layout.get(Family.HEADS, bytes("tenant")));
    }
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
