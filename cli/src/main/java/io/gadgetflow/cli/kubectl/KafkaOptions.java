package io.gadgetflow.cli.kubectl;

import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.kafka.TopicNames;
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

  String bootstrap(Map<String, String> env) {
    return bootstrap != null
        ? bootstrap
        : new Settings(env).string(BOOTSTRAP_SETTING, DEFAULT_BOOTSTRAP);
  }

  static TopicNames topics(Map<String, String> env) {
    Settings settings = new Settings(env);
    return new TopicNames(
        settings.string("TOPIC_CONTROL", TopicNames.DEFAULTS.control()),
        settings.string("TOPIC_STATUS", TopicNames.DEFAULTS.status()),
        settings.string("TOPIC_EVENTS", TopicNames.DEFAULTS.events()));
  }
}
