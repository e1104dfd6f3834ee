package tai.autonomics.governor;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code autonomics.governor}.
 *
 * @param stashCapacity signals held while an action is in flight (and while booting); beyond it they are refused as
 *     overloaded
 * @param actionDeadline how long the governor waits for its action before it gives up and refuses
 * @param idleTimeout a governor that received nothing for this long is passivated (0 = never)
 * @param bootTimeout how long boot waits for the entitlement and ledger head before it fails and is restarted
 * @param passivationStashCapacity messages held, over all tenants, while their governors are being passivated;
 *     beyond it signals are refused as overloaded
 * @param maxRestarts restarts allowed within {@code restartWindow} before a failing governor is stopped
 */
public record GovernorSettings(
    int stashCapacity,
    int passivationStashCapacity,
    Duration actionDeadline,
    Duration idleTimeout,
    Duration bootTimeout,
    int maxRestarts,
    Duration restartWindow) {

  public static GovernorSettings create(Config config) {
    Config governor = config.getConfig("autonomics.governor");
    return new GovernorSettings(
        governor.getInt("stash-capacity"),
        governor.getInt("passivation-stash-capacity"),
        governor.getDuration("action-deadline"),
        governor.getDuration("idle-timeout"),
        governor.getDuration("boot-timeout"),
        governor.getInt("max-restarts"),
        governor.getDuration("restart-window"));
  }
}
