package io.gadgetflow.local.kafka;

/** The embedded broker could not start; the message says what to change. */
public class KafkaStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KafkaStartException(String message) {
    super(message);
  }

  public KafkaStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
