package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Objects;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.AuthorizationException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that a broker's ACLs refused what a Kafka client tried. */
public final class KafkaRefusals {
  private KafkaRefusals() {}

  /**
   * The refusal comes as the send's failure, or, when the idempotent producer's own start was
   * refused first, as the producer's error state whose cause is that refusal.
   */
  public static void assertRefused(ThrowingCallable send) {
    assertThatThrownBy(send)
        .satisfies(
            e ->
                assertThat(Stream.iterate(e, Objects::nonNull, Throwable::getCause))
                    .as("the causes of %s", e)
                    .anyMatch(AuthorizationException.class::isInstance));
  }
}
