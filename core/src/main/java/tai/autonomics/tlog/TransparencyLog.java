package tai.autonomics.tlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;

/**
 * A node's per-tenant transparency logs over its receipt store: the trees the store grows in each write (through a
 * {@link TreeHook}), their signed checkpoints, tiles, entry bundles and proofs. Every method reads the store or the
 * disk: callers run them on a blocking dispatcher. Checkpoints are signed by {@link #signGrown} (on a cadence, and
 * after the ledger's last write) or on the first request for a tenant's checkpoint; the {@link Checkpointer} never
 * signs two inconsistent ones. Arguments are checked by the caller against {@link #size} (the routes answer 400/404).
 */
public final class TransparencyLog {
  private final ReceiptStore store;
  private final CommitHook.Reader side;
  private final TreeHook hook;
  private final String logName;
  private final NoteSigner key;
  private final SignedHeads heads;
  private final Checkpointer checkpointer;
  /** The last note signed per tenant: one per tenant that has receipts, a few hundred bytes each. */
  private final Map<String, String> notes = new ConcurrentHashMap<>();
  private final SubtreeCache subtrees = new SubtreeCache();
  private final TreeTail.Cache tails = new TreeTail.Cache();

  private TransparencyLog(ReceiptStore store, CommitHook.Reader side, TreeHook hook, String logName, NoteSigner key,
      SignedHeads heads) {
    this.store = store;
    this.side = side;
    this.hook = hook;
    this.logName = logName;
    this.key = key.named(logName);
    this.heads = heads;
    this.checkpointer = new Checkpointer(this.key, heads);
  }

  /** Attaches the logs to {@code store} before anything writes to it; empty for a store without side data (memory). */
  public static Optional<TransparencyLog> attach(ReceiptStore store, String logName, NoteSigner key,
      SignedHeads heads) {
    TreeHook hook = new TreeHook();
    return store.attach(hook).map(side -> new TransparencyLog(store, side, hook, logName, key, heads));
  }

  /**
   * As configured: the key loaded from (or created in) its file; the signed heads in the store when it keeps them
   * (shared by a cluster's nodes), else in the data directory.
   */
  public static Optional<TransparencyLog> attach(ReceiptStore store, TlogSettings settings) throws IOException {
    NoteSigner key = NoteKeyFile.loadOrCreate(settings.keyFile(), settings.logName());
    SignedHeads heads = store instanceof SignedHeadsStore shared
        ? shared.signedHeads(key.named(settings.logName()).verifier())
        : new FileSignedHeads(settings.headsDir());
    return attach(store, settings.logName(), key, heads);
  }

  /** {@code <log-name>/<tenant>}, the tenant percent-encoded where a key name cannot hold it ({@link LogOrigin}). */
  public String origin(String tenant) {
    return LogOrigin.of(logName, tenant);
  }

  /** The verifier key under the log name: a tenant's is the same key under its origin ({@link #verifier(String)}). */
  public NoteVerifier verifier() {
    return key.verifier();
  }

  public NoteVerifier verifier(String tenant) {
    return key.named(origin(tenant)).verifier();
  }

  /** The number of the tenant's receipts the tree covers (0 for a tenant without receipts). */
  public long size(String tenant) {
    return tree(tenant).size();
  }

  /**
   * The tenant's latest signed checkpoint; signs the current tree when none was signed since start. When another node
   * of a cluster signed a larger head since (the heads are shared), that head is signed here too: the same note, as
   * Ed25519 signatures are deterministic, so every node serves the newest checkpoint.
   */
  public Optional<String> checkpoint(String tenant) throws IOException, CheckpointRefusedException {
    String note = notes.get(tenant);
    if (note != null) {
      Optional<Checkpoint> head = heads.last(origin(tenant));
      return Optional.of(head.isPresent() && head.get().size() > sizeOf(note) ? sign(tenant, head.get().size()) : note);
    }
    long size = size(tenant);
    return size == 0 ? Optional.empty() : Optional.of(sign(tenant, size));
  }

  /**
   * Signs the tree of every tenant that grew since the last call; returns how many were signed. A tenant the
   * Checkpointer refuses (or whose tiles cannot be read) does not hold up the others: they are all tried, and the
   * first failure is thrown afterwards with the others suppressed.
   */
  public int signGrown() throws IOException, CheckpointRefusedException {
    List<Checkpointer.Request> requests = new ArrayList<>();
    Map<String, String> tenantOf = new java.util.HashMap<>();
    List<Exception> failed = new ArrayList<>();
    for (String tenant : hook.drainGrown()) {
      TreeTail tree = hook.committed(tenant, store.head(tenant)).orElseGet(() -> tree(tenant));
      long size = tree.size();
      try {
        if (size > 0) {
          HashReader reader = reader(tenant, tree, size);
          requests.add(new Checkpointer.Request(origin(tenant), size, MerkleProofs.treeHash(size, reader), reader));
          tenantOf.put(origin(tenant), tenant);
        }
      } catch (java.util.NoSuchElementException e) {
        failed.add(new CheckpointRefusedException("the stored tree of " + origin(tenant) + " is incomplete: "
            + e.getMessage()));
      } catch (IOException e) {
        failed.add(e);
      }
    }
    Map<String, String> signed = checkpointer.signAll(requests, (origin, e) -> failed.add(e));
    signed.forEach((origin, note) -> remember(tenantOf.get(origin), note));
    if (!failed.isEmpty()) {
      failed.subList(1, failed.size()).forEach(failed.get(0)::addSuppressed);
      if (failed.get(0) instanceof IOException e) {
        throw e;
      }
      throw (CheckpointRefusedException) failed.get(0);
    }
    return signed.size();
  }

  /**
   * The signed checkpoint of size {@code size} (at most {@link #size}), or empty when it is below the latest one
   * signed: only the latest is kept, and signing an older size again would move the log's signed head backwards.
   */
  public Optional<String> checkpointOfSize(String tenant, long size) throws IOException, CheckpointRefusedException {
    Optional<String> latest = checkpoint(tenant);
    long latestSize = latest.isEmpty() ? 0 : sizeOf(latest.get());
    if (size == latestSize) {
      return latest;
    }
    if (size < latestSize) {
      return Optional.empty();
    }
    return Optional.of(sign(tenant, size));
  }

  /** The inclusion proof of entry {@code index} against {@code signedCheckpoint} (one of this tenant's). */
  public TlogProof inclusion(String tenant, long index, String signedCheckpoint) throws IOException {
    return TlogProof.create(index, signedCheckpoint, reader(tenant, sizeOf(signedCheckpoint)));
  }

  public List<byte[]> consistency(String tenant, long oldSize, long newSize) throws IOException {
    return MerkleProofs.consistencyProof(oldSize, newSize, reader(tenant, newSize));
  }

  /** Hash tile {@code path}, or entry bundle, as the tree of the current size has it; empty when it has not. */
  public Optional<byte[]> tile(String tenant, TilePath path) throws IOException {
    TreeTail tree = tree(tenant);
    long size = tree.size();
    if (!path.isEntries()) {
      return Tiles.serve(tree.tiles(tiles(tenant)), path, size);
    }
    if (TilePath.widthIn(0, path.index(), size) < path.width()) {
      return Optional.empty();
    }
    List<byte[]> entries = new ArrayList<>(path.width());
    for (Receipt r : store.page(tenant, bundleStart(tenant, path.index()) - 1, path.width())) {
      entries.add(TreeHook.entry(r));
    }
    if (entries.size() < path.width()) {
      throw new IOException("the store lacks receipts of " + path + " of " + origin(tenant));
    }
    return Optional.of(EntryBundle.encode(entries));
  }

  /** The index of {@code receipt} in its tenant's log, or empty when the tree does not cover it (yet). */
  public OptionalLong indexOf(Receipt receipt) throws IOException {
    String tenant = receipt.tenantId();
    TreeTail tree = tree(tenant);
    if (tree.size() == 0 || receipt.seq() > tree.lastSeq()) {
      return OptionalLong.empty();
    }
    // the last bundle that starts at or before the receipt's seq holds it
    long lo = 0;
    long hi = (tree.size() - 1) / TilePath.FULL_WIDTH;
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      if (bundleStart(tenant, mid) <= receipt.seq()) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    List<Receipt> bundle = store.page(tenant, bundleStart(tenant, lo) - 1, TilePath.FULL_WIDTH);
    for (int i = 0; i < bundle.size(); i++) {
      if (bundle.get(i).id().equals(receipt.id())) {
        long index = lo * TilePath.FULL_WIDTH + i;
        return index < tree.size() ? OptionalLong.of(index) : OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /** Signs the tree of {@code size} leaves; its root comes from the tiles (the Checkpointer checks them whole). */
  private String sign(String tenant, long size) throws IOException, CheckpointRefusedException {
    HashReader reader = reader(tenant, size);
    String note = checkpointer.sign(origin(tenant), size, MerkleProofs.treeHash(size, reader), reader);
    remember(tenant, note);
    return note;
  }

  private void remember(String tenant, String note) {
    notes.merge(tenant, note, (old, now) -> sizeOf(now) >= sizeOf(old) ? now : old);
  }

  private TreeTail tree(String tenant) {
    return tails.of(tenant, side);
  }

  private TileStore tiles(String tenant) {
    return (level, index) -> side.get(TreeState.Keys.tile(tenant, level, index));
  }

  /** The hashes of the tenant's tree of {@code size} leaves (at most its size now). */
  private HashReader reader(String tenant, long size) {
    return reader(tenant, tree(tenant), size);
  }

  private HashReader reader(String tenant, TreeTail tree, long size) {
    return subtrees.reader(tenant, tree.tiles(tiles(tenant)), size);
  }

  private long bundleStart(String tenant, long bundle) throws IOException {
    byte[] seq = side.get(TreeState.Keys.bundleStart(tenant, bundle));
    if (seq == null || seq.length != 8) {
      throw new IOException("the store lacks the start of entry bundle " + bundle + " of " + origin(tenant));
    }
    return ByteBuffer.wrap(seq).getLong();
  }

  static long sizeOf(String signedCheckpoint) {
    String[] lines = signedCheckpoint.split("\n", 3);
    return Long.parseLong(lines[1]);
  }
}
