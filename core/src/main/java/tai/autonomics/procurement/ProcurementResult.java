package tai.autonomics.procurement;

import java.util.function.Function;

/**
 * The outcome of one Partner Procurement API call, retries included. Never an exception: a caller decides on
 * each case (record it, retry later from an outbox, give up).
 */
public sealed interface ProcurementResult<T> {

  /** Google answered 2xx. */
  record Ok<T>(T value, int attempts) implements ProcurementResult<T> {}

  /**
   * Google refused for good (a 4xx other than 429, or a request refused before it was sent): repeating it would
   * get the same answer.
   *
   * @param httpStatus Google's HTTP status (0 when refused locally)
   * @param status Google's {@code error.status}, e.g. {@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}
   * @param message Google's {@code error.message}
   */
  record Failed<T>(int httpStatus, String status, String message, int attempts) implements ProcurementResult<T> {}

  /**
   * Every attempt failed in a way worth retrying (429, 5xx, a timeout, a broken connection, no token), or the
   * client had too many calls in flight to start this one (attempts 0). Worth trying again later.
   */
  record Exhausted<T>(int attempts, String lastError) implements ProcurementResult<T> {}

  default boolean ok() {
    return this instanceof Ok<T>;
  }

  /** The same outcome over another value type (a failure keeps its details). */
  default <R> ProcurementResult<R> map(Function<T, R> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()), ok.attempts());
    }
    if (this instanceof Failed<T> failed) {
      return new Failed<>(failed.httpStatus(), failed.status(), failed.message(), failed.attempts());
    }
    Exhausted<T> exhausted = (Exhausted<T>) this;
    return new Exhausted<>(exhausted.attempts(), exhausted.lastError());
  }
}
