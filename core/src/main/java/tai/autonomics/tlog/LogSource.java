package tai.autonomics.tlog;

import java.io.IOException;
import java.util.List;
import tai.autonomics.ledger.Receipt;

/** Where an audit reads one tenant's log from: a node over HTTP, or an export directory ({@link ExportDir}). */
public interface LogSource {
  /** The signed checkpoint note. */
  String checkpoint() throws IOException;

  /**
   * The next receipts of the tenant's chain after seq {@code afterSeq}, at most {@code limit}, as the source holds
   * them; an audit reads them in order, each call after the last receipt of the one before.
   */
  List<Receipt> receipts(long afterSeq, int limit) throws IOException;

  /** The bytes of tile {@code path} (a hash tile or an entry bundle), or null when the source has none. */
  byte[] tile(TilePath path) throws IOException;
}
