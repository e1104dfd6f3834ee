package tai.autonomics.cluster.postgres;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code autonomics.postgres}: where the shared ledger lives and how many connections a node may hold.
 *
 * @param schema the tables live in this schema (created when missing), so several ledgers can share a database
 * @param poolSize connections per node: the ledger's writes use one at a time, the rest serve reads
 * @param connectionTimeout how long a caller waits for a free connection before the call fails
 * @param maxRetries how often a write transaction that lost a race with another node (unique or deadlock) is retried
 */
public record PostgresSettings(String url, String user, String password, String schema, int poolSize,
    Duration connectionTimeout, int maxRetries) {

  public static PostgresSettings create(Config config) {
    Config postgres = config.getConfig("autonomics.postgres");
    String schema = postgres.getString("schema");
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("autonomics.postgres.schema must be a lowercase SQL identifier, not '"
          + schema + "'");
    }
    return new PostgresSettings(
        postgres.getString("url"),
        postgres.getString("user"),
        postgres.getString("password"),
        schema,
        postgres.getInt("pool-size"),
        postgres.getDuration("connection-timeout"),
        postgres.getInt("max-retries"));
  }

  public PostgresSettings withSchema(String otherSchema) {
    return new PostgresSettings(url, user, password, otherSchema, poolSize, connectionTimeout, maxRetries);
  }
}
