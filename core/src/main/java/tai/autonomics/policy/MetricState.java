package tai.autonomics.policy;

/**
 * What the governor remembers of one metric between signals: the inputs of its next decision. Immutable; written
 * into each governor receipt (see {@link #encode}) so that a restarted or passivated governor resumes from it.
 *
 * @param warning the metric's last decision left it above warn-above (or held there by the tolerance, or silent)
 * @param lastTs the newest {@code timestamp_ms} decided for the metric (0: none): an older one is stale
 * @param streak consecutive signals above act-above since the last action
 * @param aboveSince when the current streak began (signal time, ms)
 * @param belowSince since when the value stayed below relax-below (0: it is not)
 * @param relaxArmed the rule's action ran and its relax action has not yet
 */
public record MetricState(boolean warning, long lastTs, int streak, long aboveSince, long belowSince,
    boolean relaxArmed) {

  public static final MetricState INITIAL = new MetricState(false, 0, 0, 0, 0, false);

  /** The state of a metric whose rule keeps nothing worth writing: the one a fresh governor starts from. */
  public boolean isInitial() {
    return equals(INITIAL);
  }

  /** A metric that went silent: it counts as warning when its rule says so, and keeps the rest. */
  public MetricState silent(boolean asWarning) {
    return new MetricState(asWarning, lastTs, 0, 0, 0, relaxArmed);
  }

  MetricState asWarning() {
    return new MetricState(true, lastTs, streak, aboveSince, belowSince, relaxArmed);
  }

  /** {@code warning,lastTs,streak,aboveSince,belowSince,relaxArmed} with 1/0 for the flags. */
  public String encode() {
    return (warning ? "1" : "0") + "," + lastTs + "," + streak + "," + aboveSince + "," + belowSince + ","
        + (relaxArmed ? "1" : "0");
  }

  /** The state {@link #encode} wrote; {@link #INITIAL} for text this version cannot read. */
  public static MetricState decode(String text) {
    String[] parts = text == null ? new String[0] : text.split(",");
    if (parts.length != 6) {
      return INITIAL;
    }
    try {
      return new MetricState("1".equals(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]),
          Long.parseLong(parts[3]), Long.parseLong(parts[4]), "1".equals(parts[5]));
    } catch (NumberFormatException e) {
      return INITIAL;
    }
  }
}
