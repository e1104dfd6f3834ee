package tai.autonomics.tlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The log's signing key on disk, in Go's signer-key form on one line, readable by its owner only (0600). It is
 * created by writing a temporary file that is 0600 from its first byte and linking it into place, so a crash leaves
 * either no key or a whole one, and never a key others could read.
 */
public final class NoteKeyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private NoteKeyFile() {}

  /** The key in {@code file}, or a new one under {@code name} written there when the file does not exist. */
  public static NoteSigner loadOrCreate(Path file, String name) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    NoteSigner signer = NoteSigner.of(name, Ed25519Key.generate());
    try {
      write(file, signer);
    } catch (FileAlreadyExistsException e) {
      // another process created it first: use theirs
      return load(file);
    }
    return signer;
  }

  /** Reads a key file; refuses one that others can read, or that is not a signer key. */
  public static NoteSigner load(Path file) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(mode)) {
      throw new IOException("the key file " + file + " is readable by others (" + PosixFilePermissions.toString(mode)
          + "); it must be 0600");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    try {
      return NoteSigner.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IOException("the key file " + file + " is not a signer key: " + e.getMessage());
    }
  }

  /** Writes {@code signer} to {@code file} (mode 0600); refuses to replace an existing key. */
  public static void write(Path file, NoteSigner signer) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, signer.signerKey() + "\n", StandardCharsets.UTF_8, StandardOpenOption.SYNC);
      // a hard link appears atomically and never replaces an existing file (a rename would)
      Files.createLink(file, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
