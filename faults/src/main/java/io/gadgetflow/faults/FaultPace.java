package io.gadgetflow.faults;

import java.time.Duration;
import java.util.Map;

/**
 * How a fault run goes: the steady rate of numbered events, how long they flow before the fault,
 * how long a killed part stays down, and how long they flow after the recovery.
 */
public record FaultPace(double rate, Duration steady, Duration down, Duration after) {

  /** The bench's: {@code FAULTS_RATE} (10000 events/s), {@code FAULTS_*_SECONDS} (10, 10, 20). */
  public static FaultPace fromEnvironment(Map<String, String> env) {
    return new FaultPace(
        Double.parseDouble(env.getOrDefault("FAULTS_RATE", "10000")),
        Duration.ofSeconds(Integer.parseInt(env.getOrDefault("FAULTS_STEADY_SECONDS", "10"))),
        Duration.ofSeconds(Integer.parseInt(env.getOrDefault("FAULTS_DOWN_SECONDS", "10"))),
        Duration.ofSeconds(Integer.parseInt(env.getOrDefault("FAULTS_AFTER_SECONDS", "20"))));
  }

  /** As the bench says it: {@code 10000 events/s, steady 10 s, down 10 s, 20 s after ...}. */
  public String describe() {
    return "%.0f events/s, steady %d s, down %d s, %d s after the recovery"
        .formatted(rate, steady.toSeconds(), down.toSeconds(), after.toSeconds());
  }
}
