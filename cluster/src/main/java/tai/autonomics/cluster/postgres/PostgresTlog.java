package tai.autonomics.cluster.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import tai.autonomics.ledger.CommitHook;

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
    return key -> {
      try (Connection connection = pool.getConnection()) {
        return get(connection, key);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL tlog read failed: " + e.getMessage(), e);
      }
    };
  }

  /** The keyspace inside the transaction of {@code connection}. */
  static CommitHook.Side side(Connection connection) {
    return new CommitHook.Side() {
      @Override
      public byte[] get(byte[] key) {
        try {
          return PostgresTlog.get(connection, key);
        } catch (SQLException e) {
          throw new IllegalStateException("PostgreSQL tlog read failed: " + e.getMessage(), e);
        }
      }

      @Override
      public void put(byte[] key, byte[] value) {
        update(connection, PUT, key, value);
      }

      @Override
      public void append(byte[] key, byte[] bytes) {
        update(connection, APPEND, key, bytes);
      }
    };
  }

  private static byte[] get(Connection connection, byte[] key) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(GET)) {
      select.setBytes(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getBytes(1) : null;
      }
    }
  }

  private static void update(Connection connection, String sql, byte[] key, byte[] value) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setBytes(1, key);
      statement.setBytes(2, value);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL tlog write failed: " + e.getMessage(), e);
    }
  }
}
