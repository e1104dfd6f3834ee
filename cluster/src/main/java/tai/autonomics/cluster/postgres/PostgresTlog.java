package tai.autonomics.cluster.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.Receipt;

/**
 * The side keyspace of the PostgreSQL ledger: table {@code tlog (key, value)}, written in the commit's own
 * transaction, so a tenant's tiles and tree state commit or roll back with its receipts. A tenant's tree is extended
 * under the lock its commit holds on the tenant's head row, so two nodes never extend one tree at once. An append is
 * {@code value || bytes} in the database: a tile grows by the hashes of a commit, it is not rewritten whole.
 */
final class PostgresTlog {
  private static final String GET = "SELECT value FROM tlog WHERE key = ?";
  private static final String PUT = "INSERT INTO tlog (key, value) VALUES (?, ?) "
      + "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  private static final String APPEND = "INSERT INTO tlog (key, value) VALUES (?, ?) "
      + "ON CONFLICT (key) DO UPDATE SET value = tlog.value || excluded.value";

  private PostgresTlog() {}

  static void createTable(java.sql.Statement statement) throws SQLException {
    statement.execute("CREATE TABLE IF NOT EXISTS tlog (key BYTEA PRIMARY KEY, value BYTEA NOT NULL)");
  }

  /** Reads what is committed, each call on a pooled connection. */
  static CommitHook.Reader reader(DataSource pool) {
    return new CommitHook.Reader() {
      @Override
      public byte[] get(byte[] key) {
        try (Connection connection = pool.getConnection()) {
          return PostgresTlog.get(connection, key);
        } catch (SQLException e) {
          throw readFailed(e);
        }
      }

      @Override
      public List<Receipt> page(String tenantId, long afterSeq, int limit) {
        try (Connection connection = pool.getConnection()) {
          return PostgresReceiptStore.page(connection, tenantId, afterSeq, limit);
        } catch (SQLException e) {
          throw readFailed(e);
        }
      }
    };
  }

  /**
   * Reads inside the transaction of {@code connection}: the tiles before this commit's writes, the receipts with
   * those it inserted. A read on another connection could wait, behind a lock queued after this transaction's, for
   * this transaction to end.
   */
  static CommitHook.Reader reader(Connection connection) {
    return new CommitHook.Reader() {
      @Override
      public byte[] get(byte[] key) {
        try {
          return PostgresTlog.get(connection, key);
        } catch (SQLException e) {
          throw readFailed(e);
        }
      }

      @Override
      public List<Receipt> page(String tenantId, long afterSeq, int limit) {
        try {
          return PostgresReceiptStore.page(connection, tenantId, afterSeq, limit);
        } catch (SQLException e) {
          throw readFailed(e);
        }
      }
    };
  }

  private static IllegalStateException readFailed(SQLException e) {
    return new IllegalStateException("PostgreSQL tlog read failed: " + e.getMessage(), e);
  }

  /** Writes what the hook returned, in the commit's transaction, as one JDBC batch per kind. */
  static void write(Connection connection, List<CommitHook.Write> writes) throws SQLException {
    try (PreparedStatement put = connection.prepareStatement(PUT);
        PreparedStatement append = connection.prepareStatement(APPEND)) {
      for (CommitHook.Write w : writes) {
        PreparedStatement statement = w.append() ? append : put;
        statement.setBytes(1, w.key());
        statement.setBytes(2, w.value());
        statement.addBatch();
      }
      put.executeBatch();
      append.executeBatch();
    }
  }

  private static byte[] get(Connection connection, byte[] key) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(GET)) {
      select.setBytes(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getBytes(1) : null;
      }
    }
  }
}
