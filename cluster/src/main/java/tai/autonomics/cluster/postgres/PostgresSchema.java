package tai.autonomics.cluster.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of the shared ledger, created on start when missing. Several nodes may start at once: an advisory lock
 * makes them create the schema one after the other.
 *
 * <ul>
 *   <li>{@code receipts}: one row per receipt, the JSON as written (its bytes are what the hash covers).
 *       {@code seq} is the primary key; the unique constraint on {@code id} and the unique index on
 *       {@code (tenant_id, message_scope, message_id)} (a {@link tai.autonomics.ledger.MessageKey}) are the
 *       de-duplication guard when two nodes race on the same Pub/Sub message or Marketplace event.</li>
 *   <li>{@code tenant_heads}: where each tenant's chain ends; writers lock a tenant's row while they extend its chain.
 *   </li>
 *   <li>{@code ledger_seq}: the single-row counter of the ledger-wide, gap-free seq; updating it in the write
 *       transaction orders the commits of all nodes.</li>
 * </ul>
 */
final class PostgresSchema {
  private static final long SCHEMA_LOCK = 0x7a1_0001L;

  private PostgresSchema() {}

  static void create(Connection connection, String schema) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      statement.execute("SET LOCAL search_path TO " + schema);
      statement.execute("""
          CREATE TABLE IF NOT EXISTS receipts (
            seq        BIGINT PRIMARY KEY,
            id         TEXT   NOT NULL UNIQUE,
            tenant_id  TEXT   NOT NULL,
            type       TEXT   NOT NULL,
            message_id TEXT,
            body       TEXT   NOT NULL)""");
      // a messageId is unique only within its tenant and scope (subscription, provider): schemas made before keep
      // their rows, which get the empty scope, and lose the ledger-wide uniqueness that let tenants collide
      statement.execute("ALTER TABLE receipts ADD COLUMN IF NOT EXISTS message_scope TEXT NOT NULL DEFAULT ''");
      statement.execute("ALTER TABLE receipts DROP CONSTRAINT IF EXISTS receipts_message_id_key");
      statement.execute("CREATE UNIQUE INDEX IF NOT EXISTS receipts_by_message "
          + "ON receipts (tenant_id, message_scope, message_id)");
      statement.execute("CREATE INDEX IF NOT EXISTS receipts_by_tenant ON receipts (tenant_id, seq)");
      statement.execute("CREATE INDEX IF NOT EXISTS receipts_entitlements ON receipts (tenant_id, seq) "
          + "WHERE type = 'entitlement'");
      statement.execute("""
          CREATE TABLE IF NOT EXISTS tenant_heads (
            tenant_id      TEXT   PRIMARY KEY,
            seq            BIGINT NOT NULL,
            hash           TEXT   NOT NULL,
            governor_state TEXT)""");
      // why and when the governor entered governor_state (ReceiptStore.TenantHead); added to existing schemas too
      statement.execute("ALTER TABLE tenant_heads ADD COLUMN IF NOT EXISTS governor_reason TEXT, "
          + "ADD COLUMN IF NOT EXISTS governor_since BIGINT");
      statement.execute("""
          CREATE TABLE IF NOT EXISTS ledger_seq (
            id   INT    PRIMARY KEY CHECK (id = 1),
            last BIGINT NOT NULL)""");
      statement.execute("INSERT INTO ledger_seq (id, last) VALUES (1, 0) ON CONFLICT (id) DO NOTHING");
      // the tenants' Merkle tiles and tree states (PostgresTlog)
      PostgresTlog.createTable(statement);
      // the last checkpoint signed for each tenant, and the key the logs are signed with (PostgresSignedHeads)
      PostgresSignedHeads.createTables(statement);
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }
}
