package tai.autonomics.node;

import com.typesafe.config.Config;
import tai.autonomics.entitlement.EntitlementSettings;
import tai.autonomics.executor.ExecutorSettings;
import tai.autonomics.governor.GovernorSettings;
import tai.autonomics.ledger.LedgerSettings;

/** Every subsystem's settings, each read once from {@code autonomics.*}. */
public record NodeSettings(
    LedgerSettings ledger,
    EntitlementSettings entitlements,
    ExecutorSettings executor,
    GovernorSettings governor,
    Config config) {

  public static NodeSettings create(Config config) {
    return new NodeSettings(
        LedgerSettings.create(config),
        EntitlementSettings.create(config),
        ExecutorSettings.create(config),
        GovernorSettings.create(config),
        config);
  }
}
