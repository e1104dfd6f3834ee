package tai.autonomics.ledger;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The child process of LedgerCrashTest: a durable Ledger over RocksDB in {@code args[0]} with {@code args[1]}
 * threads appending as fast as they are answered, each acknowledged receipt printed as
 * {@code ACK <seq> <id> <tenant> .} once its answer (which promises durability) has arrived. Runs until killed.
 */
public final class CrashAppender {
  private CrashAppender() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int appenders = Integer.parseInt(args[1]);
    Config config = ConfigFactory.load();
    RocksReceiptStore store = RocksReceiptStore.open(dir);
    CompletableFuture<ActorRef<Ledger.Command>> spawned = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context -> {
      spawned.complete(context.spawn(
          Behaviors.supervise(Ledger.create(store, LedgerSettings.create(config)))
              .onFailure(SupervisorStrategy.restart()),
          "ledger", DispatcherSelector.fromConfig("autonomics.ledger.dispatcher")));
      return Behaviors.empty();
    }), "crash-appender", config);
    ActorRef<Ledger.Command> ledger = spawned.get();
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    out.println("READY " + store.lastSeq());
    for (int i = 0; i < appenders; i++) {
      int appender = i;
      Thread thread = new Thread(() -> append(system, ledger, appender, out), "appender-" + i);
      thread.setDaemon(true);
      thread.start();
    }
    system.getWhenTerminated().toCompletableFuture().get();
  }

  private static void append(ActorSystem<Void> system, ActorRef<Ledger.Command> ledger, int appender,
      PrintStream out) {
    Duration timeout = Duration.ofSeconds(30);
    for (long n = 0; ; n++) {
      String tenant = "tenant-" + (appender + n) % 11;
      try {
        if (n % 7 == 6) {
          List<Receipt> drafts = List.of(draft(tenant, appender, n, 0), draft(tenant, appender, n, 1),
              draft("tenant-" + appender % 3, appender, n, 2));
          List<Receipt> sealed = AskPattern.<Ledger.Command, List<Receipt>>askWithStatus(ledger,
              replyTo -> new Ledger.AppendBatch(drafts, replyTo), timeout, system.scheduler())
              .toCompletableFuture().get();
          sealed.forEach(receipt -> ack(out, receipt));
        } else {
          Receipt draft = draft(tenant, appender, n, 0);
          ack(out, AskPattern.<Ledger.Command, Receipt>askWithStatus(ledger,
              replyTo -> new Ledger.Append(draft, replyTo), timeout, system.scheduler())
              .toCompletableFuture().get());
        }
      } catch (Exception e) {
        out.println("ERROR " + e);
      }
    }
  }

  private static Receipt draft(String tenant, int appender, long n, int part) {
    return Receipt.draft(ReceiptType.TRANSITION, tenant).states("stable", n % 2 == 0 ? "warning" : "stable")
        .reason("crash test").signal("cpu", (double) (n % 100), System.currentTimeMillis())
        .messageId(System.nanoTime() + "-" + appender + "-" + n + "-" + part).policy("base").build();
  }

  private static void ack(PrintStream out, Receipt receipt) {
    out.println("ACK " + receipt.seq() + " " + receipt.id() + " " + receipt.tenantId() + " .");
  }
}
