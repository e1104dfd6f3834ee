package tai.autonomics.governor;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The governor's states (docs/ARCHITECTURE.md), with the lowercase names receipts and the API use. */
public enum GovernorState {
  BOOT,
  STABLE,
  WARNING,
  INTERVENING,
  REFUSING;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named in a receipt, or null for a name this version does not know. */
  public static GovernorState fromWireName(String name) {
    for (GovernorState state : values()) {
      if (state.wireName().equals(name)) {
        return state;
      }
    }
    return null;
  }
}
