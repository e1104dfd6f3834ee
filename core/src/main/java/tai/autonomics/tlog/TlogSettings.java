package tai.autonomics.tlog;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The tenants' transparency logs ({@code autonomics.ledger.log-*}): each tenant's origin is
 * {@code <logName>/<tenant>}; the signing key is in {@code keyFile} (created 0600 at first start when absent); a
 * tree that grew is signed every {@code checkpointInterval}.
 */
public record TlogSettings(String logName, Path keyFile, Path headsDir, Duration checkpointInterval) {
  public TlogSettings {
    if (logName.isEmpty() || logName.chars().anyMatch(c -> c <= ' ' || c == '+' || c == 0x7f)) {
      throw new IllegalArgumentException(
          "autonomics.ledger.log-name must be a non-empty key name without spaces or '+', not '" + logName + "'");
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("autonomics.ledger.checkpoint-interval must be positive");
    }
  }

  public static TlogSettings create(Config config) {
    Config ledger = config.getConfig("autonomics.ledger");
    Path dataDir = Path.of(ledger.getString("data-dir"));
    String keyFile = ledger.getString("log-key-file");
    return new TlogSettings(ledger.getString("log-name"),
        keyFile.isEmpty() ? dataDir.resolve("log").resolve("signer.key") : Path.of(keyFile),
        dataDir.resolve("log").resolve("signed-heads"),
        ledger.getDuration("checkpoint-interval"));
  }
}
