package tai.autonomics.tlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tai.autonomics.ledger.ChainVerifier;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * The audit of one tenant's log, trusting nothing the source says: the checkpoint's signature under the given vkey;
 * every receipt re-hashed and the chain checked (the ledger's {@link ChainVerifier}); every tile and entry bundle
 * rebuilt from the receipts' hashes ({@link Tiles#fromScratch}) and compared byte for byte; the root of the tiles
 * compared with the checkpoint's; and the checkpoint checked to extend the one saved by the last audit, which is
 * replaced only once all of this held. The first failure is named: a receipt, a tile or the checkpoint.
 */
public final class LogAudit {
  private static final int PAGE = 1000;

  /** What the audit found: {@code problem} is null when everything holds. */
  public record Result(String problem, long size, long receipts) {
    public boolean ok() {
      return problem == null;
    }
  }

  private LogAudit() {}

  /**
   * Audits {@code tenant}'s log from {@code source} with {@code vkey}, the verifier key of the log name or of the
   * tenant's origin; {@code state} holds the checkpoint of the last audit (absent at the first).
   */
  public static Result run(LogSource source, String tenant, NoteVerifier vkey, Optional<Path> state)
      throws IOException {
    String encoded = LogOrigin.encode(tenant);
    String origin = vkey.name().endsWith("/" + encoded) ? vkey.name() : vkey.name() + "/" + encoded;
    NoteVerifier verifier = NoteVerifier.of(origin, vkey.publicKey());
    String note = source.checkpoint();
    Checkpoint head;
    try {
      head = Checkpoint.open(note, verifier);
    } catch (NoteException e) {
      return new Result("checkpoint: " + e.getMessage(), 0, 0);
    }
    if (!head.origin().equals(origin)) {
      return new Result("checkpoint: its origin is " + head.origin() + ", not " + origin, head.size(), 0);
    }
    List<byte[]> entries = new ArrayList<>();
    ChainVerifier.Result chain;
    try {
      chain = ChainVerifier.verifyTenant(new Chain(source, entries), tenant);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!chain.valid()) {
      return new Result("receipt " + chain.badReceiptId() + " (seq " + chain.badSeq() + "): " + chain.problem(),
          head.size(), chain.count());
    }
    if (entries.size() < head.size()) {
      return new Result("checkpoint: it covers " + head.size() + " receipts but the chain has " + entries.size()
          + " (receipts missing)", head.size(), entries.size());
    }
    List<byte[]> covered = entries.subList(0, (int) head.size());
    InMemoryTileStore served = new InMemoryTileStore();
    Map<TilePath, byte[]> expected = Tiles.fromScratch(covered);
    for (Map.Entry<TilePath, byte[]> tile : expected.entrySet()) {
      String problem = compare(tile.getKey(), tile.getValue(), source.tile(tile.getKey()));
      if (problem != null) {
        return new Result(problem, head.size(), entries.size());
      }
      served.write(Map.of(tile.getKey(), tile.getValue()));
    }
    for (TilePath bundle : TilePath.tilesOf(head.size(), true)) {
      if (bundle.isEntries()) {
        int from = (int) bundle.index() * TilePath.FULL_WIDTH;
        String problem = compare(bundle, EntryBundle.encode(covered.subList(from, from + bundle.width())),
            source.tile(bundle));
        if (problem != null) {
          return new Result(problem, head.size(), entries.size());
        }
      }
    }
    TileHashReader tiles = new TileHashReader(served, head.size());
    if (!Merkle.equal(MerkleProofs.treeHash(head.size(), tiles), head.root())) {
      return new Result("checkpoint: its root " + Merkle.base64(head.root()) + " is not the root of the tiles",
          head.size(), entries.size());
    }
    if (state.isPresent()) {
      String problem = checkSaved(state.get(), head, verifier, tiles);
      if (problem != null) {
        return new Result(problem, head.size(), entries.size());
      }
      Path tmp = state.get().resolveSibling(state.get().getFileName() + ".tmp");
      Files.writeString(tmp, note, StandardCharsets.UTF_8);
      Files.move(tmp, state.get(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return new Result(null, head.size(), entries.size());
  }

  private static String compare(TilePath path, byte[] expected, byte[] served) {
    if (served == null) {
      return path + ": missing from the log";
    }
    if (served.length != expected.length) {
      return path + ": " + served.length + " bytes, the receipts make " + expected.length;
    }
    int at = Arrays.mismatch(served, expected);
    return at < 0 ? null : path + ": byte " + at + " differs from the tile the receipts make";
  }

  private static String checkSaved(Path state, Checkpoint head, NoteVerifier verifier, TileHashReader tiles)
      throws IOException {
    if (!Files.exists(state)) {
      return null;
    }
    Checkpoint saved;
    try {
      saved = Checkpoint.open(Files.readString(state, StandardCharsets.UTF_8), verifier);
    } catch (NoteException e) {
      return "saved checkpoint " + state + ": " + e.getMessage();
    }
    if (saved.size() > head.size()) {
      return "checkpoint: size " + head.size() + " is below the saved checkpoint's " + saved.size()
          + " (the log was rolled back)";
    }
    // the tiles are those of the receipts, so the root of their first saved.size() leaves proves consistency
    if (!Merkle.equal(MerkleProofs.treeHash(saved.size(), tiles), saved.root())) {
      return "checkpoint: not consistent with the saved checkpoint of size " + saved.size()
          + " (the log's history was changed)";
    }
    return null;
  }

  /** The source as a read-only store for {@link ChainVerifier}, keeping each receipt's hash (its log entry). */
  private static final class Chain implements ReceiptStore {
    private final LogSource source;
    private final List<byte[]> entries;
    private Receipt last;

    Chain(LogSource source, List<byte[]> entries) {
      this.source = source;
      this.entries = entries;
    }

    @Override
    public List<Receipt> page(String tenantId, long afterSeq, int limit) {
      try {
        List<Receipt> page = source.receipts(afterSeq, Math.min(limit, PAGE));
        for (Receipt r : page) {
          entries.add(r.hash() != null && r.hash().length() == 64 ? TreeHook.entry(r) : new byte[Merkle.HASH_SIZE]);
          last = r;
        }
        return page;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The end of what was read: the source's chain is what is audited, its own idea of a head is not asked. */
    @Override
    public Optional<TenantHead> head(String tenantId) {
      return last == null ? Optional.empty() : Optional.of(new TenantHead(tenantId, last.seq(), last.hash(), null));
    }

    @Override
    public void append(List<Receipt> batch, boolean sync) {
      throw new UnsupportedOperationException("an audit only reads");
    }

    @Override
    public Optional<Receipt> get(String id) {
      throw new UnsupportedOperationException("an audit reads the chain in order");
    }

    @Override
    public List<Receipt> scan(long afterSeq, int limit) {
      throw new UnsupportedOperationException("an audit reads one tenant");
    }

    @Override
    public Optional<Receipt> findByMessageId(tai.autonomics.ledger.MessageKey messageId) {
      throw new UnsupportedOperationException("an audit reads the chain in order");
    }

    @Override
    public List<Receipt> latestEntitlements() {
      throw new UnsupportedOperationException("an audit reads the chain in order");
    }

    @Override
    public long lastSeq() {
      return last == null ? 0 : last.seq();
    }

    @Override
    public Stats stats() {
      return new Stats(entries.size(), 0);
    }

    @Override
    public void close() {}

    @Override
    public Optional<CommitHook.Reader> attach(CommitHook hook) {
      return Optional.empty();
    }
  }
}
