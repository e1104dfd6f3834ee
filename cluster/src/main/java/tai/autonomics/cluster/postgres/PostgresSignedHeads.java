package tai.autonomics.cluster.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Optional;
import javax.sql.DataSource;
import tai.autonomics.tlog.Checkpoint;
import tai.autonomics.tlog.NoteVerifier;
import tai.autonomics.tlog.SignedHeads;

/**
 * The last checkpoint signed for each tenant's log, in table {@code signed_heads} of the shared ledger, so that a
 * node taking a tenant over checks consistency against what the previous node signed. A head only moves forward:
 * two nodes signing one tenant during a hand-over both sign the one tree PostgreSQL holds, and the larger head stays.
 * Table {@code log_keys} records the verifier key each log name was first signed with; a node with another key is
 * refused, since an auditor holding the log's key could not verify its checkpoints.
 */
final class PostgresSignedHeads implements SignedHeads {
  private static final String LAST = "SELECT size, root FROM signed_heads WHERE origin = ?";
  private static final String SAVE = "INSERT INTO signed_heads (origin, size, root) VALUES (?, ?, ?) "
      + "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root "
      + "WHERE signed_heads.size <= excluded.size";
  private static final String CLAIM_KEY = "INSERT INTO log_keys (log_name, vkey) VALUES (?, ?) "
      + "ON CONFLICT (log_name) DO NOTHING";
  private static final String KEY = "SELECT vkey FROM log_keys WHERE log_name = ?";

  private final DataSource pool;

  private PostgresSignedHeads(DataSource pool) {
    this.pool = pool;
  }

  static void createTables(Statement statement) throws SQLException {
    statement.execute("CREATE TABLE IF NOT EXISTS signed_heads (origin TEXT PRIMARY KEY, size BIGINT NOT NULL, "
        + "root BYTEA NOT NULL)");
    statement.execute("CREATE TABLE IF NOT EXISTS log_keys (log_name TEXT PRIMARY KEY, vkey TEXT NOT NULL)");
  }

  /** The heads in {@code pool}'s ledger, once {@code key} is found to be the key its logs are signed with. */
  static PostgresSignedHeads open(DataSource pool, NoteVerifier key) throws IOException {
    try (Connection connection = pool.getConnection();
        PreparedStatement claim = connection.prepareStatement(CLAIM_KEY);
        PreparedStatement read = connection.prepareStatement(KEY)) {
      claim.setString(1, key.name());
      claim.setString(2, key.vkey());
      claim.executeUpdate();
      read.setString(1, key.name());
      try (ResultSet rows = read.executeQuery()) {
        rows.next();
        String recorded = rows.getString(1);
        if (!recorded.equals(key.vkey())) {
          throw new IOException("this node signs log " + key.name() + " with " + key.vkey() + ", but its "
              + "checkpoints are signed with " + recorded + ": give every node the same "
              + "autonomics.ledger.log-key-file");
        }
      }
      return new PostgresSignedHeads(pool);
    } catch (SQLException e) {
      throw new IOException("cannot read the log keys in PostgreSQL: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Checkpoint> last(String origin) throws IOException {
    try (Connection connection = pool.getConnection();
        PreparedStatement select = connection.prepareStatement(LAST)) {
      select.setString(1, origin);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(new Checkpoint(origin, rows.getLong(1), rows.getBytes(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IOException("cannot read the signed head of " + origin + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void save(Checkpoint checkpoint) throws IOException {
    saveAll(java.util.List.of(checkpoint));
  }

  /** In one transaction: committed (synchronously, as the ledger's own commits) before anything is signed. */
  @Override
  public void saveAll(Collection<Checkpoint> checkpoints) throws IOException {
    if (checkpoints.isEmpty()) {
      return;
    }
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement save = connection.prepareStatement(SAVE)) {
        for (Checkpoint checkpoint : checkpoints) {
          save.setString(1, checkpoint.origin());
          save.setLong(2, checkpoint.size());
          save.setBytes(3, checkpoint.root());
          save.addBatch();
        }
        save.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IOException("cannot record the signed heads in PostgreSQL: " + e.getMessage(), e);
    }
  }
}
