package tai.autonomics.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import tai.autonomics.governor.Governor;
import tai.autonomics.governor.Governors;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.policy.Signal;

/**
 * Test load: one thread per tenant sends signals one after the other (each waits for its answer, as a Pub/Sub
 * subscription with one outstanding message would), through entry nodes taken in turn. It keeps every acknowledged
 * receipt and, per tenant, when it was last acknowledged. Bounded: it stops when told or at its deadline.
 */
final class SignalLoad implements AutoCloseable {
  record Entry(ActorSystem<?> system, ActorRef<Governors.Command> governors) {}

  private final AtomicBoolean stopped = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  final ConcurrentLinkedQueue<Receipt> acknowledged = new ConcurrentLinkedQueue<>();
  final Map<String, Long> lastAckNanos = new ConcurrentHashMap<>();
  private volatile List<Entry> entries;

  SignalLoad(List<String> tenants, List<Entry> entries, Duration askTimeout, Duration maxRun) {
    this.entries = List.copyOf(entries);
    long deadline = System.nanoTime() + maxRun.toNanos();
    for (String tenant : tenants) {
      Thread thread = new Thread(() -> run(tenant, askTimeout, deadline), "load-" + tenant);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /** Route further signals only through these nodes (a node that is about to go away is taken out first). */
  void useEntries(List<Entry> next) {
    entries = List.copyOf(next);
  }

  private void run(String tenant, Duration askTimeout, long deadline) {
    long n = 0;
    while (!stopped.get() && System.nanoTime() < deadline) {
      List<Entry> now = entries;
      Entry entry = now.get((int) (n % now.size()));
      Signal signal = new Signal(tenant, "cpu", (double) (n % 50), null, tenant + "-" + n);
      n++;
      try {
        StatusReply<Receipt> reply = AskPattern.<Governors.Command, StatusReply<Receipt>>ask(entry.governors(),
                replyTo -> new Governors.Deliver(tenant, new Governor.ProcessSignal(signal, replyTo)),
                askTimeout, entry.system().scheduler())
            .toCompletableFuture().get(askTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        if (reply.isSuccess()) {
          acknowledged.add(reply.getValue());
          lastAckNanos.put(tenant, System.nanoTime());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // not acknowledged (timed out while the tenant's node died, or overloaded): the sender would retry
      }
    }
  }

  long acknowledgedFor(String tenant) {
    return acknowledged.stream().filter(r -> r.tenantId().equals(tenant)).count();
  }

  @Override
  public void close() throws InterruptedException {
    stopped.set(true);
    for (Thread thread : threads) {
      thread.join(15_000);
    }
  }
}
