package tai.autonomics.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code autonomics.http}: where the node listens and how long the edge waits. */
public record HttpSettings(String host, int port, Duration askTimeout, Duration shutdownDeadline) {

  public static HttpSettings create(Config config) {
    Config http = config.getConfig("autonomics.http");
    return new HttpSettings(http.getString("interface"), http.getInt("port"), http.getDuration("ask-timeout"),
        http.getDuration("shutdown-deadline"));
  }
}
