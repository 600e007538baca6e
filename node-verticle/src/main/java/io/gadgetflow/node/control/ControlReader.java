package io.gadgetflow.node.control;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.node.control.NodeControlRecords.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;

/**
 * Reads this node's partition of the compacted control topic ({@link ControlPartitions}) from its
 * beginning, then follows it, without a consumer group: the partition holds the desired state of
 * this node's traces, and a restarted agent rebuilds its own from it. This node's records arrive on
 * the agent's context in the partition's order; those of the other nodes that share the partition
 * are passed over ({@link NodeControlRecords}); {@link Listener#onCaughtUp()} says when the records
 * that existed at start have all been delivered. A trace's records may be delivered again after
 * Kafka was unreachable. A record that is not a trace's desired state (see {@link
 * ContractRecords#controlRecord}) is counted and skipped.
 */
public final class ControlReader implements AutoCloseable {
  private static final String THREAD_NAME = "gadgetflow-control-reader";

  /** Called on the agent's context. */
  public interface Listener {
    /**
     * @param record this node's desired state of the trace, or null when the trace, which was this
     *     node's, was deleted or is now another node's
     */
    void onRecord(String traceUid, ControlRecord record);

    void onCaughtUp();
  }

  private final Context context;
  private final Listener listener;
  private final SkippedRecords skipped;
  private final Supervision supervision;
  private final NodeControlRecords ownRecords;
  private final Promise<Void> positioned = Promise.promise();
  private TopicFollower follower;

  private ControlReader(
      String nodeName,
      Context context,
      Listener listener,
      SkippedRecords skipped,
      Supervision supervision) {
    this.ownRecords = new NodeControlRecords(nodeName);
    this.context = context;
    this.listener = listener;
    this.skipped = skipped;
    this.supervision = supervision;
  }

  /**
   * @param nodeName the node whose records are delivered; names the reader's Kafka client
   * @param skipped where the records that are not a trace's desired state are counted
   * @param supervision told when the reader dies: the node would run no operation any more
   */
  public static ControlReader start(
      KafkaClients kafka,
      String topic,
      String nodeName,
      Context context,
      Listener listener,
      SkippedRecords skipped,
      Supervision supervision) {
    ControlReader reader = new ControlReader(nodeName, context, listener, skipped, supervision);
    reader.follower =
        TopicFollower.start(
            THREAD_NAME,
            kafka.groupFreeConsumer("gadgetflow-node-control-" + nodeName),
            List.of(ControlPartitions.nodeReading(topic, nodeName)),
            reader.new Delivery());
    return reader;
  }

  /**
   * Completes once the reader knows where its partition ended when it started: records written
   * after that are operations to run, records before it the state to resume.
   */
  public Future<Void> positioned() {
    return positioned.future();
  }

  /** Runs on the follower's thread; hands decoded records to the agent's context. */
  private final class Delivery implements TopicFollower.Listener {
    @Override
    public void onPositioned() {
      context.runOnContext(v -> positioned.tryComplete());
    }

    @Override
    public void onCaughtUp() {
      context.runOnContext(v -> listener.onCaughtUp());
    }

    @Override
    public void onRecords(ConsumerRecords<String, byte[]> records) {
      for (ConsumerRecord<String, byte[]> record : records) {
        deliver(record);
      }
    }

    /** Before it was positioned, the agent's start fails with it rather than wait in vain. */
    @Override
    public void onStopped(Throwable cause) {
      supervision.died(THREAD_NAME, cause);
      context.runOnContext(v -> positioned.tryFail(cause));
    }
  }

  private void deliver(ConsumerRecord<String, byte[]> record) {
    Header node = record.headers().lastHeader(ControlRecord.NODE_HEADER);
    switch (ownRecords.of(record.key(), record.value(), node == null ? null : node.value())) {
      case Outcome.Deliver(String traceUid, ControlRecord value) ->
          context.runOnContext(v -> listener.onRecord(traceUid, value));
      case Outcome.PassOver passedOver -> {}
      case Outcome.Skip(RecordFault fault, String detail) ->
          skipped.skip(
              SkippedRecords.where(record.topic(), record.partition(), record.offset()),
              fault,
              detail);
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
