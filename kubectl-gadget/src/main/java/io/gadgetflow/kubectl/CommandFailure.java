package io.gadgetflow.kubectl;

/** Why a command cannot go on, in one line for the user; the command exits with status 1. */
final class CommandFailure extends RuntimeException {
  CommandFailure(String message) {
    super(message);
  }

  CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
