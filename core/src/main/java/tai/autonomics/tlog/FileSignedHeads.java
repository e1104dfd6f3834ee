package tai.autonomics.tlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@link SignedHeads} as one small file per log in a directory, holding the checkpoint body itself (so an operator can
 * read it, and the origin inside guards against a file landing under the wrong name). A save writes a temporary file,
 * forces it, renames it over the old one and forces the directory: after a crash the file holds either the old or
 * the new checkpoint, whole.
 */
public final class FileSignedHeads implements SignedHeads {
  private final Path dir;

  public FileSignedHeads(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  @Override
  public Optional<Checkpoint> last(String origin) throws IOException {
    String body;
    try {
      body = Files.readString(file(origin), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      Checkpoint checkpoint = Checkpoint.parse(body);
      if (!checkpoint.origin().equals(origin)) {
        throw new IOException("the signed head file of " + origin + " holds " + checkpoint.origin());
      }
      return Optional.of(checkpoint);
    } catch (NoteException e) {
      throw new IOException("the signed head file of " + origin + " is corrupt: " + e.getMessage());
    }
  }

  @Override
  public void save(Checkpoint checkpoint) throws IOException {
    Path target = file(checkpoint.origin());
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(ByteBuffer.wrap(checkpoint.body().getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  // origins hold slashes and any character but a newline: name the file by a hash of the origin
  private Path file(String origin) {
    byte[] h = Merkle.sha256().digest(origin.getBytes(StandardCharsets.UTF_8));
    return dir.resolve(HexFormat.of().formatHex(h, 0, 16) + ".checkpoint");
  }
}
