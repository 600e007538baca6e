package io.gadgetflow.kubectl;

import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the Kafka that carries GadgetFlow's topics is. The topic names are configured as for every
 * GadgetFlow role ({@code GADGETFLOW_TOPIC_STATUS}, {@code GADGETFLOW_TOPIC_EVENTS}).
 */
final class KafkaOptions {
  private static final String BOOTSTRAP_SETTING = "KAFKA_BOOTSTRAP_SERVERS";
  static final String BOOTSTRAP_VARIABLE = Settings.PREFIX + BOOTSTRAP_SETTING;

  /** Where {@code gadgetflow up} runs its broker. */
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT[,...]",
      description =
          "The Kafka that carries gadget.events (default: $"
              + BOOTSTRAP_VARIABLE
              + ", else "
              + DEFAULT_BOOTSTRAP
              + ").")
  String bootstrap;

  /**
   * The Kafka to read and how to authenticate to it: the {@code GADGETFLOW_KAFKA_*} security
   * settings every GadgetFlow role reads.
   *
   * @throws IllegalArgumentException naming a security setting that is wrong
   */
  KafkaClients clients(Map<String, String> env) {
    Settings settings = new Settings(env);
    return new KafkaClients(
        bootstrap != null ? bootstrap : settings.string(BOOTSTRAP_SETTING, DEFAULT_BOOTSTRAP),
        KafkaSecurity.fromSettings(settings));
  }

  static TopicNames topics(Map<String, String> env) {
    Settings settings = new Settings(env);
    return new TopicNames(
        settings.string("TOPIC_CONTROL", TopicNames.DEFAULTS.control()),
        settings.string("TOPIC_STATUS", TopicNames.DEFAULTS.status()),
        settings.string("TOPIC_EVENTS", TopicNames.DEFAULTS.events()));
  }
}
