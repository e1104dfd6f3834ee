package tai.autonomics.http;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A request the node will not serve, with the status and stable {@code reason} the client sees. Thrown while a
 * body is decoded or checked, and turned into an error body by {@link EdgeErrors}. No stack trace: it is an answer,
 * not a failure.
 */
public final class ClientError extends RuntimeException {
  private final transient StatusCode status;
  private final String reason;

  public ClientError(StatusCode status, String reason, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.reason = reason;
  }

  public static ClientError badRequest(String reason, String detail) {
    return new ClientError(StatusCodes.BAD_REQUEST, reason, detail);
  }

  public static ClientError unauthorized(String detail) {
    return new ClientError(StatusCodes.UNAUTHORIZED, "unauthorized", detail);
  }

  public StatusCode status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  public String detail() {
    return getMessage();
  }
}
