package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpointer signs a growing tree, and refuses a shrunk, forked or unbacked one, across restarts. */
class CheckpointerTest {
  static final String ORIGIN = "autonomics/tenant-1";
  final NoteSigner key = NoteSigner.of("autonomics", Ed25519Key.generate());
  final List<byte[]> entries = TestTrees.entries(600);
  final InMemoryTileStore store = new InMemoryTileStore();

  long appendTo(long size, int count) throws Exception {
    TileAppender.Appended a = TileAppender.append(store, size, entries.subList((int) size, (int) size + count));
    store.write(a.tiles());
    return a.size();
  }

  byte[] root(long size) throws Exception {
    return MerkleProofs.treeHash(size, new TileHashReader(store, size));
  }

  @Test
  void signsAGrowingTreeAndRecordsEachHead(@TempDir Path dir) throws Exception {
    Checkpointer checkpointer = new Checkpointer(key, new FileSignedHeads(dir));
    NoteVerifier verifier = key.named(ORIGIN).verifier();
    long size = 0;
    for (int step : new int[] {0, 1, 2, 255, 1, 300}) {
      size = appendTo(size, step);
      String note = checkpointer.sign(ORIGIN, size, root(size), new TileHashReader(store, size));
      Checkpoint c = Checkpoint.open(note, verifier);
      assertEquals(size, c.size());
      assertEquals(c, checkpointer.lastSigned(ORIGIN).orElseThrow());
    }
    // the same head again: the same note (Ed25519 is deterministic)
    String again = checkpointer.sign(ORIGIN, size, root(size), new TileHashReader(store, size));
    assertEquals(again, checkpointer.sign(ORIGIN, size, root(size), new TileHashReader(store, size)));
    // a restart reads the last head back
    Checkpointer restarted = new Checkpointer(key, new FileSignedHeads(dir));
    assertEquals(size, restarted.lastSigned(ORIGIN).orElseThrow().size());
    assertEquals(List.of(), List.of(dir.toFile().list()).stream().filter(n -> n.endsWith(".tmp")).toList());
  }

  @Test
  void refusesShrunkForkedOrUnbackedHeads(@TempDir Path dir) throws Exception {
    Checkpointer checkpointer = new Checkpointer(key, new FileSignedHeads(dir));
    long size = appendTo(0, 300);
    checkpointer.sign(ORIGIN, size, root(size), new TileHashReader(store, size));

    // a smaller tree (the tiles still hold it)
    assertThrows(CheckpointRefusedException.class,
        () -> checkpointer.sign(ORIGIN, 200, root(200), new TileHashReader(store, 200)));
    // a root that is not the stored tree's
    assertThrows(CheckpointRefusedException.class,
        () -> checkpointer.sign(ORIGIN, 300, root(299), new TileHashReader(store, 300)));
    // a fork: a different history of 400 entries whose first 300 differ in one entry
    InMemoryTileStore fork = new InMemoryTileStore();
    List<byte[]> forked = new java.util.ArrayList<>(entries.subList(0, 400));
    forked.set(7, Merkle.sha256().digest("another receipt".getBytes()));
    TileAppender.Appended other = TileAppender.append(fork, 0, forked);
    fork.write(other.tiles());
    CheckpointRefusedException e = assertThrows(CheckpointRefusedException.class,
        () -> checkpointer.sign(ORIGIN, 400, other.root(), new TileHashReader(fork, 400)));
    assertTrue(e.getMessage().contains("not consistent"), e.getMessage());
    // tiles missing for the size asked
    assertThrows(CheckpointRefusedException.class,
        () -> checkpointer.sign(ORIGIN, 500, root(300), new TileHashReader(store, 500)));
    // nothing of this was recorded
    assertEquals(300, checkpointer.lastSigned(ORIGIN).orElseThrow().size());
    // other logs are independent
    assertEquals(200, Checkpoint.parse(checkpointer.sign("autonomics/tenant-2", 200, root(200),
        new TileHashReader(store, 200)).split("\n\n")[0] + "\n").size());
  }

  @Test
  void aRoundOfHeadsIsOneAppendAndSurvivesARestart(@TempDir Path dir) throws Exception {
    Checkpointer checkpointer = new Checkpointer(key, new FileSignedHeads(dir));
    long size = appendTo(0, 300);
    List<Checkpointer.Request> requests = new java.util.ArrayList<>();
    for (int t = 0; t < 50; t++) {
      requests.add(new Checkpointer.Request("round/tenant-" + t, 100 + t, root(100 + t),
          new TileHashReader(store, 100 + t)));
    }
    // one refused among them (a root that is not the tree's) leaves the others signed
    requests.add(new Checkpointer.Request(ORIGIN, size, root(size - 1), new TileHashReader(store, size)));
    java.util.Map<String, Exception> refused = new java.util.HashMap<>();
    java.util.Map<String, String> notes = checkpointer.signAll(requests, refused::put);
    assertEquals(50, notes.size());
    assertEquals(java.util.Set.of(ORIGIN), refused.keySet());
    assertEquals(150, Files.readString(dir.resolve(FileSignedHeads.FILE)).split("\n").length);
    FileSignedHeads reopened = new FileSignedHeads(dir);
    for (int t = 0; t < 50; t++) {
      assertEquals(100 + t, reopened.last("round/tenant-" + t).orElseThrow().size());
      assertEquals(100 + t, Checkpoint.open(notes.get("round/tenant-" + t),
          key.named("round/tenant-" + t).verifier()).size());
    }
    assertTrue(reopened.last(ORIGIN).isEmpty());
  }

  @Test
  void aTornEndIsCutOffButCorruptionBeforeGoodHeadsIsAnError(@TempDir Path dir) throws Exception {
    FileSignedHeads heads = new FileSignedHeads(dir);
    heads.save(new Checkpoint(ORIGIN, 3, root(appendTo(0, 3))));
    Path file = dir.resolve(FileSignedHeads.FILE);
    String good = Files.readString(file);
    // a crash in the middle of an append: the body was never signed, and the next append lands after the cut
    Files.writeString(file, good + ORIGIN + "\n4\nAAA");
    FileSignedHeads afterCrash = new FileSignedHeads(dir);
    assertEquals(3, afterCrash.last(ORIGIN).orElseThrow().size());
    afterCrash.save(new Checkpoint(ORIGIN, 4, new byte[32]));
    assertEquals(4, new FileSignedHeads(dir).last(ORIGIN).orElseThrow().size());
    // damage before good heads is not a crash: opening fails rather than forgetting what was signed
    Files.writeString(file, "garbage\nline\nhere\n" + good);
    assertThrows(java.io.IOException.class, () -> new FileSignedHeads(dir));
  }
}
