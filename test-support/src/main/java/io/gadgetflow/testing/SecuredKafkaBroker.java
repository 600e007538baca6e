package io.gadgetflow.testing;

import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.local.kafka.KafkaCredentials;
import java.nio.file.Path;

/**
 * The test run's broker that requires authentication, as {@code gadgetflow up}'s does: the
 * contract's topics with each role's user and ACLs. It is shared like {@link KafkaBroker}, so tests
 * that use the contract's topics keep apart by keys of their own.
 *
 * @param broker topics and records through the administrator (a super user)
 * @param credentials the users' client properties files
 */
public record SecuredKafkaBroker(KafkaBroker broker, KafkaCredentials credentials) {
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The client properties file that logs in as {@code role}. */
  public Path clientProperties(KafkaRole role) {
    return credentials.clientProperties(role);
  }
}
