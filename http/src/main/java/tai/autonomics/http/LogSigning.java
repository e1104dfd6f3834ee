package tai.autonomics.http;

import com.typesafe.config.Config;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.tlog.TlogSettings;
import tai.autonomics.tlog.TransparencyLog;

/**
 * When a node signs its tenants' checkpoints: every {@code autonomics.ledger.checkpoint-interval} for the trees that
 * grew, on {@code autonomics.ledger.log-dispatcher} (a signature forces the signed head to disk), and once more after
 * the actor system terminated, when the Ledger has flushed its last batch. A failed signing is logged and retried at
 * the next tick: the Checkpointer refuses to sign a checkpoint that is not consistent with the last one.
 */
final class LogSigning {
  private final ActorSystem<?> system;
  private final Optional<TransparencyLog> log;
  private final Optional<Cancellable> ticks;

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
  void signLast() {
    ticks.ifPresent(Cancellable::cancel);
    sign();
  }

  private void sign() {
    log.ifPresent(l -> {
      try {
        l.signGrown();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(LogSigning.class).error("signing the tenants' checkpoints failed", e);
      }
    });
  }
}
