package io.gadgetflow.api.json;

/** A record whose bytes do not decode to what its topic carries. */
public final class MalformedRecordException extends RuntimeException {
  public MalformedRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
