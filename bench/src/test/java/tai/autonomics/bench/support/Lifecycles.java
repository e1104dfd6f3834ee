package tai.autonomics.bench.support;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import tai.autonomics.bench.load.Request;

/**
 * Marketplace lifecycle traffic for many concurrent workers: every request takes a tenant no other request is
 * using, sends that tenant's next step (grant, suspend, resume, revoke, then a fresh tenant), and gives the tenant
 * back once answered, so each event is a valid transition however the requests interleave.
 */
public final class Lifecycles implements Request {
  private record Slot(String tenant, int step) {}

  private final HttpTarget node;
  private final String prefix;
  private final ConcurrentLinkedQueue<Slot> free = new ConcurrentLinkedQueue<>();
  private final AtomicLong tenants = new AtomicLong();

  public Lifecycles(HttpTarget node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  @Override
  public java.util.concurrent.CompletionStage<Boolean> send() {
    Slot polled = free.poll();
    Slot slot = polled != null ? polled : new Slot(prefix + "-" + tenants.incrementAndGet(), 0);
    String action = Payloads.LIFECYCLE.get(slot.step());
    return node.post("/marketplace", () -> Payloads.marketplace(slot.tenant(), action),
        status -> status >= 200 && status < 300).send().whenComplete((ok, failure) -> {
          if (failure == null && Boolean.TRUE.equals(ok)) {
            int next = slot.step() + 1;
            free.add(next < Payloads.LIFECYCLE.size() ? new Slot(slot.tenant(), next)
                : new Slot(prefix + "-" + tenants.incrementAndGet(), 0));
          }
          // a failed step leaves its tenant in an unknown state: it is not used again
        });
  }
}
