package tai.autonomics.procurement;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's one {@link ProcurementClient}, an actor-system extension so that the sign-up route (and, later, the
 * entitlement decisions) share its token, threads and in-flight bound without being wired through each other.
 * Loaded at actor-system start ({@code pekko.actor.typed.library-extensions} in reference.conf: unlike
 * {@code extensions}, a failure there fails the start instead of being logged and skipped), so a wrong
 * {@code autonomics.procurement} fails the start with a message that names the key; closed when the system
 * terminates. Empty while {@code autonomics.procurement.enabled} is off: the node runs without Google.
 */
public final class Procurement implements Extension {
  private final Optional<ProcurementClient> client;

  private Procurement(ActorSystem<?> system) {
    ProcurementSettings settings = ProcurementSettings.create(system.settings().config());
    this.client = settings.enabled() ? Optional.of(ProcurementClient.create(settings)) : Optional.empty();
    client.ifPresent(c -> system.getWhenTerminated().thenRun(c::close));
  }

  public static Procurement get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The client, when {@code autonomics.procurement.enabled} is on. */
  public Optional<ProcurementClient> client() {
    return client;
  }

  /** The extension's id; public with a no-argument constructor because Pekko loads it by name from config. */
  public static final class Id extends ExtensionId<Procurement> {
    static final Id INSTANCE = new Id();

    /** How Pekko finds the id of an extension named in config. */
    public static Id getInstance() {
      return INSTANCE;
    }

    @Override
    public Procurement createExtension(ActorSystem<?> system) {
      return new Procurement(system);
    }
  }
}
