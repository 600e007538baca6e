package io.gadgetflow.faults;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a fault run goes: the steady rate of numbered events, how long they flow before the fault,
 * how long a killed part stays down, how long they flow after the recovery, the brokers' settings
 * that differ from GadgetFlow's (none but to compare one against the defaults), and the
 * controller's wait for a node's answer.
 */
public record FaultPace(
    double rate,
    Duration steady,
    Duration down,
    Duration after,
    Map<String, String> brokerSettings,
    Duration operationTimeout) {

  /**
   * The controller's wait for a node's answer in the faults unless said otherwise: the node answers
   * within milliseconds once it runs, but the product's 10 s ({@code
   * ControllerConfig.DEFAULT_OPERATION_TIMEOUT}) were exceeded by first starts on this loaded
   * machine, with no fault. {@code FAULTS_OPERATION_TIMEOUT_SECONDS=10} measures the product's.
   */
  public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);

  public FaultPace {
    brokerSettings = Map.copyOf(brokerSettings);
  }

  /** With the brokers GadgetFlow configures and the faults' operation timeout. */
  public FaultPace(double rate, Duration steady, Duration down, Duration after) {
    this(rate, steady, down, after, Map.of(), OPERATION_TIMEOUT);
  }

  /**
   * The bench's: {@code FAULTS_RATE} (10000 events/s), {@code FAULTS_*_SECONDS} (10, 10, 20),
   * {@code FAULTS_BROKER_SETTINGS} ({@code name=value,...} over the brokers' configuration, e.g.
   * {@code broker.session.timeout.ms=9000}; none by default), {@code
   * FAULTS_OPERATION_TIMEOUT_SECONDS} ({@link #OPERATION_TIMEOUT}).
   */
  public static FaultPace fromEnvironment(Map<String, String> env) {
    return new FaultPace(
        Double.parseDouble(env.getOrDefault("FAULTS_RATE", "10000")),
        Duration.ofSeconds(Integer.parseInt(env.getOrDefault("FAULTS_STEADY_SECONDS", "10"))),
        Duration.ofSeconds(Integer.parseInt(env.getOrDefault("FAULTS_DOWN_SECONDS", "10"))),
        Duration.ofSeconds(Integer.parseInt(env.getOrDefault("FAULTS_AFTER_SECONDS", "20"))),
        brokerSettings(env.getOrDefault("FAULTS_BROKER_SETTINGS", "")),
        Duration.ofSeconds(
            Integer.parseInt(
                env.getOrDefault(
                    "FAULTS_OPERATION_TIMEOUT_SECONDS",
                    Long.toString(OPERATION_TIMEOUT.toSeconds())))));
  }

  private static Map<String, String> brokerSettings(String settings) {
    return Arrays.stream(settings.split(","))
        .map(String::strip)
        .filter(setting -> !setting.isEmpty())
        .map(
            setting -> {
              int equals = setting.indexOf('=');
              if (equals <= 0) {
                throw new IllegalArgumentException(
                    "FAULTS_BROKER_SETTINGS takes name=value,...; not \"" + setting + "\"");
              }
              return Map.entry(setting.substring(0, equals), setting.substring(equals + 1));
            })
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b));
  }

  /**
   * What a fault's row adds to its name when this pace differs from the table's others: {@code "
   * (operation timeout 10 s)"}, or nothing.
   */
  public String rowSuffix() {
    return operationTimeout.equals(OPERATION_TIMEOUT)
        ? ""
        : " (operation timeout %d s)".formatted(operationTimeout.toSeconds());
  }

  /** As the bench says it: {@code 10000 events/s, steady 10 s, down 10 s, 20 s after ...}. */
  public String describe() {
    String pace =
        "%.0f events/s, steady %d s, down %d s, %d s after the recovery"
            .formatted(rate, steady.toSeconds(), down.toSeconds(), after.toSeconds());
    if (!operationTimeout.equals(OPERATION_TIMEOUT)) {
      pace += ", operation timeout %d s".formatted(operationTimeout.toSeconds());
    }
    return brokerSettings.isEmpty()
        ? pace
        : pace + ", brokers with " + new TreeMap<>(brokerSettings);
  }
}
