package tai.autonomics.http;

import com.typesafe.config.Config;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.tlog.CheckpointRefusedException;
import tai.autonomics.tlog.TlogSettings;
import tai.autonomics.tlog.TransparencyLog;

/**
 * When a node signs its tenants' checkpoints: every {@code autonomics.ledger.checkpoint-interval} for the trees that
 * grew, on {@code autonomics.ledger.log-dispatcher} (a signature forces the signed head to disk), and once more after
 * the actor system terminated, when the Ledger has flushed its last batch. A failed signing is logged and retried at
 * the next tick: the Checkpointer refuses to sign a checkpoint that is not consistent with the last one. After that
 * last signing no tick signs again (a tick still running when the system terminated is waited for), so the node
 * closes its store only once nothing reads it any more.
 */
final class LogSigning {
  private static final Logger LOG = LoggerFactory.getLogger(LogSigning.class);
  private final ActorSystem<?> system;
  private final Optional<TransparencyLog> log;
  private final Optional<Cancellable> ticks;
  /** Set by the last signing, under this object's lock; a tick that finds it set does nothing. */
  private boolean stopped;

  LogSigning(ActorSystem<?> system, Optional<TransparencyLog> log, Config config) {
    this.system = system;
    this.log = log;
    Duration interval = TlogSettings.create(config).checkpointInterval();
    this.ticks = log.map(l -> {
      system.log().info("transparency log: tenants' checkpoints are signed by {}", l.verifier().vkey());
      return system.scheduler().scheduleWithFixedDelay(interval, interval, this::sign,
          system.dispatchers().lookup(DispatcherSelector.fromConfig("autonomics.ledger.log-dispatcher")));
    });
  }

  /** The node's logs over {@code store}, its key loaded or made as configured; empty over the memory store. */
  static Optional<TransparencyLog> attach(ReceiptStore store, Config config) {
    try {
      return TransparencyLog.attach(store, TlogSettings.create(config));
    } catch (IOException e) {
      throw new IllegalStateException("cannot attach the transparency logs: " + e.getMessage(), e);
    }
  }

  /** After termination, on the thread that completes it (no dispatcher is left to block). */
  synchronized void signLast() {
    ticks.ifPresent(Cancellable::cancel);
    sign();
    stopped = true;
  }

  private synchronized void sign() {
    if (stopped) {
      return;
    }
    log.ifPresent(l -> {
      try {
        l.signGrown();
      } catch (CheckpointRefusedException e) {
        // a refusal is a state of the stored tree, not a bug: one line per refused log says which and why
        StringBuilder reasons = new StringBuilder(e.getMessage());
        for (Throwable other : e.getSuppressed()) {
          reasons.append("; ").append(other);
        }
        LOG.error("signing the tenants' checkpoints failed: {}", reasons);
      } catch (Exception e) {
        LOG.error("signing the tenants' checkpoints failed", e);
      }
    });
  }
}
