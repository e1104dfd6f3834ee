package tai.autonomics.tlog;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;

/**
 * The last checkpoint signed for each log, kept durably so that no restart, crash or second process can make the
 * {@link Checkpointer} sign a checkpoint inconsistent with one it signed before.
 */
public interface SignedHeads {
  /** The last checkpoint signed for {@code origin}, if any. */
  Optional<Checkpoint> last(String origin) throws IOException;

  /** Durably records {@code checkpoint} as the last one signed for its origin; returns once it is on disk. */
  void save(Checkpoint checkpoint) throws IOException;

  /** Durably records each of {@code checkpoints}, of distinct origins, as the last one signed for its origin. */
  default void saveAll(Collection<Checkpoint> checkpoints) throws IOException {
    for (Checkpoint checkpoint : checkpoints) {
      save(checkpoint);
    }
  }
}
