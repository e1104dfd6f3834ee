package tai.autonomics.tlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link SignedHeads} as one append-only journal, {@code signed-heads.log} in a directory: checkpoint bodies one after
 * another (readable by an operator; each names its origin), the last one per origin being its signed head. A round of
 * signing records all its heads with one write and one fsync ({@link #saveAll}): a file per log cost an fsync per
 * tenant per round, 1,000 a second for 1,000 active tenants, which halved {@code /pubsub} throughput
 * (http-bench.sh). The journal is read whole at start and kept in memory; it is rewritten compactly (to a temporary
 * file, forced, renamed over it) once it holds four times more than its live heads. Bodies are only ever appended,
 * and a head is signed only after its append was forced: a body that a crash cut short, at the journal's end, was
 * never signed and is ignored; a bad body followed by good ones is corruption, and opening fails.
 */
public final class FileSignedHeads implements SignedHeads {
  static final String FILE = "signed-heads.log";
  private static final long COMPACT_FLOOR_BYTES = 64 * 1024;

  private final Path dir;
  private final Path file;
  private final Map<String, Checkpoint> heads = new HashMap<>();
  private long liveBytes;
  private long fileBytes;

  public FileSignedHeads(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.file = dir.resolve(FILE);
    if (Files.exists(file)) {
      load(Files.readString(file, StandardCharsets.UTF_8));
    }
  }

  @Override
  public synchronized Optional<Checkpoint> last(String origin) {
    return Optional.ofNullable(heads.get(origin));
  }

  @Override
  public void save(Checkpoint checkpoint) throws IOException {
    saveAll(List.of(checkpoint));
  }

  /** Records every checkpoint of {@code checkpoints} with one append and one fsync; returns once they are on disk. */
  @Override
  public synchronized void saveAll(Collection<Checkpoint> checkpoints) throws IOException {
    if (checkpoints.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Checkpoint checkpoint : checkpoints) {
      text.append(checkpoint.body());
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      writeFully(out, bytes);
      out.force(false);
    }
    if (fileBytes == 0) {
      forceDirectory(); // a new journal's name is durable too
    }
    fileBytes += bytes.length;
    for (Checkpoint checkpoint : checkpoints) {
      remember(checkpoint);
    }
    if (fileBytes > Math.max(COMPACT_FLOOR_BYTES, 4 * liveBytes)) {
      compact();
    }
  }

  private void remember(Checkpoint checkpoint) {
    Checkpoint old = heads.put(checkpoint.origin(), checkpoint);
    liveBytes += bodyBytes(checkpoint) - (old == null ? 0 : bodyBytes(old));
  }

  /** Rewrites the journal with one body per origin; after a crash it is either the old journal or the new one. */
  private void compact() throws IOException {
    StringBuilder text = new StringBuilder();
    heads.values().forEach(head -> text.append(head.body()));
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    Path tmp = dir.resolve(FILE + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(out, bytes);
      out.force(false);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory();
    fileBytes = bytes.length;
  }

  /**
   * Reads the journal's heads; a torn end (what follows the last good body) is cut off, so that the next append does
   * not land behind it.
   */
  private void load(String journal) throws IOException {
    String[] lines = journal.split("\n", -1); // the last element is what follows the last newline
    long goodEnd = 0;
    long offset = 0;
    String badAt = null;
    for (int at = 0; at + 3 <= lines.length - 1; at += 3) {
      String body = lines[at] + "\n" + lines[at + 1] + "\n" + lines[at + 2] + "\n";
      offset += body.getBytes(StandardCharsets.UTF_8).length;
      try {
        Checkpoint head = Checkpoint.parse(body);
        if (badAt != null) {
          throw new IOException(file + " is corrupt at " + badAt + ", and signed heads follow");
        }
        remember(head);
        goodEnd = offset;
      } catch (NoteException | IllegalArgumentException e) {
        badAt = badAt != null ? badAt : "line " + (at + 1) + " (" + e.getMessage() + ")";
      }
    }
    fileBytes = goodEnd;
    if (Files.size(file) > goodEnd) {
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
        out.truncate(goodEnd);
        out.force(false);
      }
    }
  }

  private static int bodyBytes(Checkpoint checkpoint) {
    return checkpoint.body().getBytes(StandardCharsets.UTF_8).length;
  }

  private static void writeFully(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private void forceDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
