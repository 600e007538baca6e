package io.gadgetflow.cli.platform;

/** Why the platform cannot start, in one line for the user. */
public final class PlatformException extends RuntimeException {
  public PlatformException(String message) {
    super(message);
  }

  public PlatformException(String message, Throwable cause) {
    super(message, cause);
  }
}
