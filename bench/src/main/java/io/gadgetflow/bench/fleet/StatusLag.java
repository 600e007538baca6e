package io.gadgetflow.bench.fleet;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.kafka.TopicStart;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Status aggregation lag: from a node's report (its record's time on the status topic, set by the
 * agent's producer) to the first Trace status the watch sees that says what the report said (the
 * same state, error and counters). Answers (state or error changed) and counter updates apart: the
 * controller writes counters alone at most every GADGETFLOW_STATUS_COUNTERS_INTERVAL_SECONDS. Said
 * as marks ({@link WatchMarks}), with each Trace's first answer of a state; runs in the watch's JVM
 * ({@link FleetWatch}).
 */
final class StatusLag implements TraceTimeline.StatusListener, AutoCloseable {
  private record Said(String uid, TraceState state, String error, long events, long lost) {}

  private final Map<Said, Long> reportedMicros = new ConcurrentHashMap<>();

  /** By {@code uid state}: the node's reports of that state said already (the first is). */
  private final Set<String> answersSaid = ConcurrentHashMap.newKeySet();

  private final WatchMarks.Sayer marks;
  private final TopicFollower follower;

  StatusLag(KafkaClients kafka, String statusTopic, WatchMarks.Sayer marks) {
    this.marks = marks;
    follower =
        TopicFollower.start(
            "fleet-status-lag",
            kafka.groupFreeConsumer("fleet-status-lag"),
            List.of(TopicStart.end(statusTopic)),
            records ->
                records.forEach(
                    record -> {
                      NodeReport report = Json.decode(record.value(), NodeReport.class);
                      if (report.state() != null
                          && answersSaid.add(report.traceUid() + " " + report.state())) {
                        marks.answered(
                            report.traceUid(), report.state(), record.timestamp() * 1000);
                      }
                      reportedMicros.putIfAbsent(
                          new Said(
                              report.traceUid(),
                              report.state(),
                              report.operationError(),
                              report.counters().events(),
                              report.counters().lost()),
                          record.timestamp() * 1000);
                    }));
  }

  @Override
  public void onStatus(String uid, TraceStatus status, boolean answer, long seenMicros) {
    Long reported =
        reportedMicros.get(
            new Said(
                uid,
                status.getState(),
                status.getOperationError(),
                Objects.requireNonNullElse(status.getEvents(), 0L),
                Objects.requireNonNullElse(status.getLostEvents(), 0L)));
    if (reported != null) {
      marks.lag(answer, seenMicros - reported);
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
