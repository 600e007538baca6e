package io.gadgetflow.bench.fleet;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.kafka.TopicStart;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the controller handed each Trace's operations to the nodes: the first control record of each
 * Trace uid and operation, at its record's time on the control topic (set by the controller's
 * producer when it sent the record, once the operation was taken off the Trace).
 */
final class ControlSent implements AutoCloseable {
  private final Map<String, Long> sentMicros = new ConcurrentHashMap<>();
  private final TopicFollower follower;

  ControlSent(KafkaClients kafka, String controlTopic) {
    follower =
        TopicFollower.start(
            "fleet-control-sent",
            kafka.groupFreeConsumer("fleet-control-sent"),
            List.of(TopicStart.end(controlTopic)),
            records ->
                records.forEach(
                    record -> {
                      if (record.value() == null) {
                        return;
                      }
                      ControlRecord control = Json.decode(record.value(), ControlRecord.class);
                      sentMicros.putIfAbsent(
                          key(control.traceUid(), control.operation().annotationValue()),
                          record.timestamp() * 1000);
                    }));
  }

  /** When {@code operation} (e.g. {@code start}) of the Trace was sent; 0 if it was not seen. */
  long sent(String uid, String operation) {
    return sentMicros.getOrDefault(key(uid, operation), 0L);
  }

  private static String key(String uid, String operation) {
    return uid + " " + operation.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    follower.close();
  }
}
