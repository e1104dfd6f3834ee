package tai.autonomics.bench.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Request bodies of the HTTP and stress cases, as Pub/Sub and the Marketplace send them (docs/API.md). */
public final class Payloads {
  private static final AtomicLong MESSAGES = new AtomicLong();
  private static final String RUN = Long.toHexString(System.nanoTime());

  private Payloads() {}

  /** A Pub/Sub push of one signal, with a messageId never used before. */
  public static String signal(String tenant, String metric, double value) {
    return signal(tenant, metric, value, "");
  }

  private static String signal(String tenant, String metric, double value, String padding) {
    String data = "{\"tenant_id\":\"" + tenant + "\",\"metric\":\"" + metric + "\",\"value\":" + value
        + ",\"timestamp_ms\":" + System.currentTimeMillis()
        + (padding.isEmpty() ? "" : ",\"labels\":{\"note\":\"" + padding + "\"}") + "}";
    return envelope(Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
  }

  private static String envelope(String base64Data) {
    return "{\"message\":{\"data\":\"" + base64Data + "\",\"messageId\":\"bench-" + RUN + "-"
        + MESSAGES.incrementAndGet() + "\",\"publishTime\":\"2026-01-25T12:00:00Z\"},"
        + "\"subscription\":\"projects/bench/subscriptions/signals\"}";
  }

  /** A signal of one of {@code tenants} tenants, mostly ok-level values so governors rarely act. */
  public static String anySignal(int tenants) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return signal("tenant-" + random.nextInt(tenants), random.nextBoolean() ? "cpu" : "memory", random.nextInt(75));
  }

  /** A signal whose data is padded to about {@code bytes} (the push body is a third larger: base64). */
  public static String largeSignal(int tenants, int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] pad = new char[bytes];
    for (int i = 0; i < bytes; i++) {
      pad[i] = (char) ('a' + random.nextInt(26));
    }
    return signal("tenant-" + random.nextInt(tenants), "cpu", random.nextInt(60), new String(pad));
  }

  /** The flat Marketplace contract. */
  public static String marketplace(String tenant, String action) {
    return "{\"tenant_id\":\"" + tenant + "\",\"entitlement_id\":\"ent-" + tenant + "\",\"action\":\"" + action
        + "\",\"sku\":\"professional\",\"customer_id\":\"cust-" + tenant + "\",\"reason\":\"bench\"}";
  }

  /** A valid lifecycle, in order: each step is allowed in the state the previous one left. */
  public static final List<String> LIFECYCLE = List.of("grant", "suspend", "resume", "revoke");

  /** Malformed /pubsub bodies of many kinds; each must be answered with a 4xx and a JSON error. */
  public static String malformed(int kind) {
    return switch (Math.floorMod(kind, 8)) {
      case 0 -> "{\"message\": {\"data\": ";                                       // truncated JSON
      case 1 -> "not json at all";
      case 2 -> envelope("!!!not-base64!!!");
      case 3 -> "{\"message\": {\"data\": 42, \"messageId\": \"x\"}}";              // wrong type
      case 4 -> "{\"subscription\": \"projects/bench/subscriptions/signals\"}";     // missing message
      case 5 -> envelope(Base64.getEncoder().encodeToString("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
      case 6 -> envelope(Base64.getEncoder().encodeToString("{\"value\":5}".getBytes(StandardCharsets.UTF_8)));
      default -> "[]";
    };
  }
}
