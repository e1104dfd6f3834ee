package tai.autonomics.cluster.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tai.autonomics.Json;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.ledger.ReceiptType;
import tai.autonomics.tlog.NoteVerifier;
import tai.autonomics.tlog.SignedHeads;
import tai.autonomics.tlog.SignedHeadsStore;

/**
 * The ledger every node of a cluster shares (docs/OPERATIONS.md, cluster mode), in PostgreSQL through a HikariCP pool.
 *
 * <p>Each node's Ledger seals receipts from what it last knew, but other nodes write meanwhile, so one group commit is
 * one transaction that makes the batch true to the database ({@link #commit}): a draft whose {@link MessageKey} is
 * stored gives way to the stored receipt; the batch's tenants' {@code tenant_heads} rows are locked in tenant order
 * (no deadlock between nodes); the seq range comes from the single-row counter, which orders all nodes' commits; a
 * receipt whose seq or prev_hash differs from the database's is re-linked and re-hashed (same id); one multi-row
 * insert writes the receipts, then the heads. So a chain cannot fork even when two nodes write to one tenant, and
 * the seq stays gap-free (a failed transaction takes its counter update with it). A transaction that lost a race
 * (unique violation, deadlock) is retried; anything else fails the batch and the Ledger restarts.
 *
 * <p>Durability: a synced commit runs with {@code synchronous_commit = on} whatever the server default, so an
 * acknowledged receipt is in the WAL on disk; an unsynced one (durability off) with {@code off}.
 *
 * <p>Calls block on JDBC: the Ledger calls {@link #commit} on its io dispatcher; reads block their caller's thread.
 */
public final class PostgresReceiptStore implements ReceiptStore, SignedHeadsStore {
  private static final String RECEIPT_COLUMNS = "SELECT body FROM receipts ";
  private static final String PAGE = RECEIPT_COLUMNS + "WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?";

  private final HikariDataSource pool;
  private final int maxRetries;
  private volatile CommitHook hook = (stored, side) -> List.of();

  private PostgresReceiptStore(HikariDataSource pool, int maxRetries) {
    this.pool = pool;
    this.maxRetries = maxRetries;
  }

  /** Connects, creates the schema when missing; fails at once with the driver's message when it cannot. */
  public static PostgresReceiptStore open(PostgresSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("ledger-" + settings.schema());
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setConnectionInitSql("SET search_path TO " + settings.schema());
    HikariDataSource pool = null;
    try {
      pool = new HikariDataSource(config);
      try (Connection connection = pool.getConnection()) {
        PostgresSchema.create(connection, settings.schema());
      }
      return new PostgresReceiptStore(pool, settings.maxRetries());
    } catch (SQLException | RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      throw new IllegalStateException("cannot open the PostgreSQL ledger at " + settings.url() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void append(List<Receipt> batch, boolean sync) {
    commit(batch, sync);
  }

  @Override
  public List<Receipt> commit(List<Receipt> batch, boolean sync) {
    if (batch.isEmpty()) {
      return List.of();
    }
    batch.stream().filter(receipt -> !receipt.isSealed()).findFirst().ifPresent(receipt -> {
      throw new IllegalArgumentException("receipt is not sealed: " + receipt);
    });
    for (int attempt = 0; ; attempt++) {
      try (Connection connection = pool.getConnection()) {
        return PostgresCommit.run(connection, batch, sync, hook);
      } catch (SQLException e) {
        if (attempt >= maxRetries || !lostARace(e)) {
          throw new IllegalStateException("PostgreSQL ledger write of " + batch.size() + " receipts failed: "
              + e.getMessage(), e);
        }
      }
    }
  }

  /** unique_violation, serialization_failure, deadlock_detected: another node got there first; try again. */
  private static boolean lostARace(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state) || "40001".equals(state) || "40P01".equals(state);
  }

  /** One hook at a time (the node's tlog); it writes table {@code tlog} in each commit's transaction. */
  @Override
  public Optional<CommitHook.Reader> attach(CommitHook commitHook) {
    hook = commitHook;
    return Optional.of(PostgresTlog.reader(pool));
  }

  /** The heads every node of the cluster signs against, beside the trees in {@code tlog_tiles}. */
  @Override
  public SignedHeads signedHeads(NoteVerifier key) throws IOException {
    return PostgresSignedHeads.open(pool, key);
  }

  @Override
  public Optional<Receipt> get(String id) {
    return one(RECEIPT_COLUMNS + "WHERE id = ?", id);
  }

  @Override
  public List<Receipt> page(String tenantId, long afterSeq, int limit) {
    return many(PAGE, tenantId, afterSeq, limit);
  }

  @Override
  public List<Receipt> scan(long afterSeq, int limit) {
    return many(RECEIPT_COLUMNS + "WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit);
  }

  @Override
  public Optional<Receipt> findByMessageId(MessageKey key) {
    return one(RECEIPT_COLUMNS + "WHERE tenant_id = ? AND message_scope = ? AND message_id = ?", key.tenantId(),
        key.scope(), key.messageId());
  }

  @Override
  public Optional<TenantHead> head(String tenantId) {
    String sql = "SELECT seq, hash, governor_state, governor_reason, governor_since FROM tenant_heads "
        + "WHERE tenant_id = ?";
    try (Connection connection = pool.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(new TenantHead(tenantId, rows.getLong(1), rows.getString(2), rows.getString(3),
                rows.getString(4), rows.getObject(5, Long.class)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw readFailed(e);
    }
  }

  @Override
  public List<Receipt> latestEntitlements() {
    // a receipt without entitlement id is kept per action id: each sign-up's job has a slot of its own
    String slot = "body::jsonb->>'entitlement_id', CASE WHEN body::jsonb->>'entitlement_id' IS NULL "
        + "THEN body::jsonb->>'action_id' END";
    return many("SELECT DISTINCT ON (tenant_id, " + slot + ") body FROM receipts WHERE type = '"
        + ReceiptType.ENTITLEMENT.wireName() + "' ORDER BY tenant_id, " + slot + ", seq DESC");
  }

  @Override
  public long lastSeq() {
    return number("SELECT last FROM ledger_seq WHERE id = 1");
  }

  /** The count is the last seq (gap-free); the bytes are the tables' with their indexes. */
  @Override
  public Stats stats() {
    return new Stats(lastSeq(), number("SELECT pg_total_relation_size('receipts') "
        + "+ pg_total_relation_size('tenant_heads') + pg_total_relation_size('ledger_seq')"));
  }

  @Override
  public void close() {
    pool.close();
  }

  static String toJson(Receipt receipt) {
    try {
      return Json.MAPPER.writeValueAsString(receipt);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("receipt cannot be written as JSON", e);
    }
  }

  static Receipt fromJson(String body) {
    try {
      return Json.MAPPER.readValue(body, Receipt.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored receipt is not readable: " + e.getOriginalMessage(), e);
    }
  }

  private Optional<Receipt> one(String sql, Object... parameters) {
    return many(sql, parameters).stream().findFirst();
  }

  private List<Receipt> many(String sql, Object... parameters) {
    try (Connection connection = pool.getConnection()) {
      return many(connection, sql, parameters);
    } catch (SQLException e) {
      throw readFailed(e);
    }
  }

  /** {@link #page}, on {@code connection} (inside its transaction, if it has one). */
  static List<Receipt> page(Connection connection, String tenantId, long afterSeq, int limit) throws SQLException {
    return many(connection, PAGE, tenantId, afterSeq, limit);
  }

  private static List<Receipt> many(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setObject(i + 1, parameters[i]);
      }
      List<Receipt> out = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          out.add(fromJson(rows.getString(1)));
        }
      }
      return List.copyOf(out);
    }
  }

  private long number(String sql) {
    try (Connection connection = pool.getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw readFailed(e);
    }
  }

  private static IllegalStateException readFailed(SQLException e) {
    return new IllegalStateException("PostgreSQL ledger read failed: " + e.getMessage(), e);
  }
}
