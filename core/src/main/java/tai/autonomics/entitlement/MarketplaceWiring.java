package tai.autonomics.entitlement;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import tai.autonomics.procurement.ProcurementClient;

/**
 * What {@link Entitlements} needs to decide Marketplace requests: the settings, the Procurement client (empty while
 * {@code autonomics.procurement.enabled} is off: nothing is decided, nothing called) and the registry for the
 * outbox's meters.
 */
public record MarketplaceWiring(MarketplaceSettings settings, Optional<ProcurementClient> client,
    MeterRegistry registry) {

  /** No decisions: the node waits for Google's events, as without a client. */
  public static MarketplaceWiring none() {
    return new MarketplaceWiring(MarketplaceSettings.defaults(), Optional.empty(), new SimpleMeterRegistry());
  }
}
