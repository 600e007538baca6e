package io.gadgetflow.web.http;

/**
 * A request the web UI refuses, with the HTTP status to answer and, for invalid input, the request
 * field at fault (e.g. {@code parameters.signal}) so the front-end can show the message beside it.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String field;

  private ApiException(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  /** 400: {@code field} is wrong; the message says why, starting with the field's name. */
  public static ApiException invalid(String field, String why) {
    return new ApiException(400, field, field + ": " + why);
  }

  /** 400 for a request that is wrong as a whole, not in one field. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, null, message);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, null, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, null, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, null, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, null, message);
  }

  /** 429: the caller has as much open as one user may. */
  public static ApiException tooMany(String message) {
    return new ApiException(429, null, message);
  }

  public int status() {
    return status;
  }

  /** The request field at fault, or null when the whole request is refused. */
  public String field() {
    return field;
  }
}
