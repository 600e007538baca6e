package io.gadgetflow.bench.fleet;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.kafka.TopicStart;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the controller handed each Trace's operations to the nodes: the first control record of each
 * Trace uid and operation, at its record's time on the control topic (set by the controller's
 * producer when it sent the record, once the operation was taken off the Trace), said as a mark
 * ({@link WatchMarks}); runs in the watch's JVM ({@link FleetWatch}).
 */
final class ControlSent implements AutoCloseable {
  /** By {@code uid operation}: what was said already. */
  private final Set<String> said = ConcurrentHashMap.newKeySet();

  private final TopicFollower follower;

  ControlSent(KafkaClients kafka, String controlTopic, WatchMarks.Sayer marks) {
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
                      String operation = control.operation().annotationValue();
                      if (said.add(control.traceUid() + " " + operation)) {
                        marks.sent(control.traceUid(), operation, record.timestamp() * 1000);
                      }
                    }));
  }

  @Override
  public void close() {
    follower.close();
  }
}
