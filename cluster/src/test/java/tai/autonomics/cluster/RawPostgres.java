package tai.autonomics.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import tai.autonomics.cluster.postgres.PostgresSettings;

/**
 * The anchor under the PostgreSQL ledger's figures (issue 19): raw multi-row INSERTs of receipt-sized rows, one
 * transaction each, committed with {@code synchronous_commit = on}, one connection per writer, into a table with a
 * primary key and nothing else: no hash chain, no heads, no de-duplication lookup, no actor. What the ledger adds
 * on top of this is its own cost.
 */
final class RawPostgres implements AutoCloseable {
  private static final byte[] BODY = new byte[300];

  private final PostgresSettings settings;
  private final String table;
  private final List<Connection> connections = new ArrayList<>();

  RawPostgres(PostgresSettings settings, String table) throws SQLException {
    this.settings = settings;
    this.table = table;
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (id text PRIMARY KEY, tenant_id text NOT NULL, "
          + "body bytea NOT NULL)");
      connection.commit();
    }
  }

  private Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET synchronous_commit TO on");
    }
    return connection;
  }

  /** A writer of its own connection: each call inserts {@code rows} rows in one statement and commits. */
  Writer writer(String prefix, int rows) throws SQLException {
    Connection connection = connect();
    synchronized (connections) {
      connections.add(connection);
    }
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (id, tenant_id, body) VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    }
    PreparedStatement insert = connection.prepareStatement(sql.toString());
    return n -> {
      for (int i = 0; i < rows; i++) {
        insert.setString(3 * i + 1, prefix + "-" + n + "-" + i);
        insert.setString(3 * i + 2, prefix);
        insert.setBytes(3 * i + 3, BODY);
      }
      boolean ok = insert.executeUpdate() == rows;
      connection.commit();
      return ok;
    };
  }

  /** One commit of a writer: true when every row was inserted. */
  @FunctionalInterface
  interface Writer {
    boolean write(long n) throws SQLException;
  }

  @Override
  public void close() throws SQLException {
    for (Connection connection : connections) {
      connection.close();
    }
  }
}
