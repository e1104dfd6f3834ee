package tai.autonomics.executor;

import java.util.Map;
import tai.autonomics.CborSerializable;

/**
 * One bounded remediation a governor asked for.
 *
 * @param id 32 lowercase hex, also the webhook's Idempotency-Key
 * @param type scale, rollback, throttle, or any type the effector configuration names
 */
public record Action(String id, String tenantId, String type, Map<String, String> params) implements CborSerializable {
  public Action {
    params = Map.copyOf(params);
  }
}
