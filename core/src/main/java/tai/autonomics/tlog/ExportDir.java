package tai.autonomics.tlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tai.autonomics.Json;
import tai.autonomics.ledger.Receipt;

/**
 * A tenant's log as files, for offline audits: {@code checkpoint} (the signed note), {@code receipts.jsonl} (one
 * receipt per line, in chain order) and every tile and entry bundle at its c2sp.org/tlog-tiles path under
 * {@code tile/}, so the directory can also be served as a static tlog-tiles log. Nothing in it is trusted: the audit
 * checks it all against the vkey given separately.
 */
public final class ExportDir implements LogSource, AutoCloseable {
  public static final String CHECKPOINT = "checkpoint";
  public static final String RECEIPTS = "receipts.jsonl";

  private final Path dir;
  private final BufferedReader receipts;
  private int line;

  private ExportDir(Path dir) throws IOException {
    this.dir = dir;
    this.receipts = Files.newBufferedReader(dir.resolve(RECEIPTS), StandardCharsets.UTF_8);
  }

  /** Opens an export to read it once, receipts in order. */
  public static ExportDir open(Path dir) throws IOException {
    return new ExportDir(dir);
  }

  /**
   * Copies the log of {@code source} into {@code dir} (created; must be empty or absent): the checkpoint first, then
   * every receipt and every tile of the tree of the checkpoint's size. Returns that size.
   */
  public static long write(LogSource source, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var listing = Files.list(dir)) {
      if (listing.findAny().isPresent()) {
        throw new IOException("the export directory " + dir + " is not empty");
      }
    }
    String note = source.checkpoint();
    long size = TransparencyLog.sizeOf(note);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(RECEIPTS), StandardCharsets.UTF_8)) {
      long after = 0;
      while (true) {
        List<Receipt> page = source.receipts(after, 1000);
        for (Receipt r : page) {
          out.write(Json.MAPPER.writeValueAsString(r));
          out.write('\n');
        }
        if (page.size() < 1000) {
          break;
        }
        after = page.get(page.size() - 1).seq();
      }
    }
    for (TilePath path : TilePath.tilesOf(size, true)) {
      byte[] tile = source.tile(path);
      if (tile == null) {
        throw new IOException("the log has no " + path + " although its checkpoint has size " + size);
      }
      Path file = dir.resolve(path.path());
      Files.createDirectories(file.getParent());
      Files.write(file, tile);
    }
    Files.writeString(dir.resolve(CHECKPOINT), note, StandardCharsets.UTF_8);
    return size;
  }

  @Override
  public String checkpoint() throws IOException {
    return Files.readString(dir.resolve(CHECKPOINT), StandardCharsets.UTF_8);
  }

  /** The next lines of {@code receipts.jsonl}, whatever {@code afterSeq}: the file's order is what is audited. */
  @Override
  public List<Receipt> receipts(long afterSeq, int limit) throws IOException {
    List<Receipt> out = new ArrayList<>();
    for (String text; out.size() < limit && (text = receipts.readLine()) != null; ) {
      line++;
      try {
        out.add(Json.MAPPER.readValue(text, Receipt.class));
      } catch (JsonProcessingException e) {
        throw new IOException(RECEIPTS + " line " + line + " is not a receipt: " + e.getOriginalMessage(), e);
      }
    }
    return out;
  }

  @Override
  public byte[] tile(TilePath path) throws IOException {
    try {
      return Files.readAllBytes(dir.resolve(path.path()));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    receipts.close();
  }
}
