package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint bodies as c2sp.org/tlog-checkpoint writes them, signed and opened; malformed ones refused; key files. */
class CheckpointTest {
  static final byte[] ROOT = Merkle.rootOf(TestTrees.leafHashes(TestTrees.entries(5)));

  @Test
  void bodyIsOriginSizeRootEachOnALine() throws Exception {
    Checkpoint c = new Checkpoint("example.com/behind-the-sofa", 20852163, ROOT);
    assertEquals("example.com/behind-the-sofa\n20852163\n" + Merkle.base64(ROOT) + "\n", c.body());
    assertEquals(c, Checkpoint.parse(c.body()));
    assertEquals("e\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        new Checkpoint("e", 0, Merkle.emptyRoot()).body());
  }

  @Test
  void signedUnderTheOriginAndOpenedWithItsVkey() throws Exception {
    NoteSigner key = NoteSigner.of("autonomics", Ed25519Key.generate());
    NoteSigner log = key.named("autonomics/tenant-1");
    Checkpoint c = new Checkpoint("autonomics/tenant-1", 5, ROOT);
    String note = c.sign(log);
    assertTrue(note.startsWith(c.body() + "\n\u2014 autonomics/tenant-1 "), note);
    assertEquals(c, Checkpoint.open(note, NoteVerifier.parse(log.verifier().vkey())));
    // the same key under another log's name does not open it
    assertThrows(NoteException.class, () -> Checkpoint.open(note, key.named("autonomics/tenant-2").verifier()));
    assertThrows(IllegalArgumentException.class, () -> c.sign(key));
    // a valid note whose origin is not the key name
    String foreign = SignedNote.sign(new Checkpoint("other", 5, ROOT).body(), log);
    assertThrows(NoteException.class, () -> Checkpoint.open(foreign, log.verifier()));
  }

  @Test
  void malformedBodiesAreRefused() {
    String root = Merkle.base64(ROOT);
    for (String bad : List.of("o\n5\n" + root, "o\n5\n" + root + "\next\n", "\n5\n" + root + "\n",
        "o\n05\n" + root + "\n", "o\n-5\n" + root + "\n", "o\n+5\n" + root + "\n", "o\n5 \n" + root + "\n",
        "o\n99999999999999999999\n" + root + "\n", "o\n5\n" + root.substring(1) + "\n",
        "o\n5\n" + root.replace('=', 'A') + "\n", "o\n5\n" + Merkle.base64(new byte[31]) + "\n", "o\n5\n",
        "o\n\n" + root + "\n")) {
      assertThrows(NoteException.class, () -> Checkpoint.parse(bad), bad);
    }
  }

  @Test
  void keyFileIsOwnerOnlyAndLoadsTheSameKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys/log.key");
    NoteSigner created = NoteKeyFile.loadOrCreate(file, "autonomics");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    NoteSigner loaded = NoteKeyFile.loadOrCreate(file, "ignored-when-the-file-exists");
    assertEquals(created.verifier().vkey(), loaded.verifier().vkey());
    assertEquals(created.signerKey() + "\n", Files.readString(file));
    assertEquals(List.of(), List.of(dir.resolve("keys").toFile().list()).stream()
        .filter(n -> n.endsWith(".tmp")).toList());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThrows(java.io.IOException.class, () -> NoteKeyFile.load(file));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> NoteKeyFile.write(file, created));
    Files.writeString(file, "PRIVATE+KEY+broken\n");
    assertThrows(java.io.IOException.class, () -> NoteKeyFile.load(file));
  }
}
