package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.kafka.identity.StatusSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads node reports from the status topic, as one consumer group shared by all controller
 * replicas; only the acting replica subscribes. A record that is not a node's report (see {@link
 * ContractRecords#nodeReport}), or that the handler fails on, is counted and skipped: the consumer
 * goes on with the next. Kafka's failures are retried (a broker away, a topic not there yet), but
 * for a refusal by the broker's ACLs ({@link AuthorizationException}), which no retry undoes: the
 * consumer is then dead to the supervision ({@link #PART}), since the acting replica would go on
 * without any node's answers (each operation timing out on Traces whose nodes did answer) while its
 * {@code /health} said UP. The process exits 70; its restarts (a pod in CrashLoopBackOff) show the
 * refusal where an operator looks, until the ACLs are mended.
 */
public final class NodeReportConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReportConsumer.class);

  /** The group the broker's ACLs allow the controller. */
  public static final String GROUP_ID = KafkaRole.CONTROLLER_GROUP;

  /**
   * How long a replica that stopped heartbeating keeps the status topic's partitions: shorter than
   * the Lease, so they are free when the next replica acts (the broker's minimum is 6 s).
   */
  public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  /** The part the supervision is told of, by the name of the consumer's client. */
  public static final String PART = "gadgetflow-controller-status";

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final SkippedRecords skipped;
  private final Supervision supervision;

  NodeReportConsumer(
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      SkippedRecords skipped,
      Supervision supervision) {
    this.consumer = consumer;
    this.topic = topic;
    this.skipped = skipped;
    this.supervision = supervision;
  }

  /**
   * @param identity the controller replica's, which names its client
   * @param skipped where the records that are not usable reports are counted
   * @param supervision told when the broker refuses the consumer its topic or group
   */
  public static NodeReportConsumer create(
      Vertx vertx,
      KafkaClients kafka,
      String topic,
      String identity,
      SkippedRecords skipped,
      Supervision supervision) {
    Properties config = kafka.groupConsumer(GROUP_ID, PART + "-" + identity);
    // Applying a report twice is harmless (status is only written when it changes), so
    // at-least-once with periodic commits is enough.
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
    // A new group must not miss an answer written before its partitions were assigned.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A replica killed without leaving the group keeps the partitions until its session expires:
    // with Kafka's 45 s, the replica acting after it (within the Lease's 15 s) heard no answer for
    // 30 s more, and its operation timeouts showed nodes that had answered as silent
    // (ControllerFaultsIT). Expired before the Lease, the session costs the takeover nothing.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(SESSION_TIMEOUT.toMillis()));
    return new NodeReportConsumer(
        KafkaConsumer.create(vertx, config, new StringDeserializer(), new ByteArrayDeserializer()),
        topic,
        skipped,
        supervision);
  }

  /**
   * A report as read, with what its node's signature needs: the value's bytes and the signature
   * headers (null when either is missing).
   */
  public record ReceivedReport(NodeReport report, byte[] value, StatusSignature signature) {}

  public Future<Void> subscribe(Consumer<ReceivedReport> handler) {
    consumer.handler(
        record -> {
          String where = SkippedRecords.where(record.topic(), record.partition(), record.offset());
          switch (ContractRecords.nodeReport(record.key(), record.value())) {
            case Read.Valid<NodeReport>(NodeReport report) -> {
              try {
                handler.accept(
                    new ReceivedReport(report, record.value(), signature(record.record())));
              } catch (RuntimeException e) {
                LOG.debug("Handling the report at {} failed", where, e);
                skipped.skip(where, RecordFault.UNHANDLED, e.toString());
              }
            }
            case Read.Skipped<NodeReport>(RecordFault fault, String detail) ->
                skipped.skip(where, fault, detail);
          }
        });
    consumer.exceptionHandler(
        e -> {
          if (e instanceof AuthorizationException) {
            // Told once, and the process exits; each poll until then fails alike, unlogged.
            supervision.died(PART, e);
          } else {
            LOG.warn("Reading {} failed, the consumer goes on: {}", topic, e.toString());
          }
        });
    return consumer.subscribe(topic);
  }

  private static StatusSignature signature(ConsumerRecord<String, byte[]> record) {
    return StatusSignature.fromHeaders(
        value(record.headers().lastHeader(StatusSignature.KEY_ID_HEADER)),
        value(record.headers().lastHeader(StatusSignature.MAC_HEADER)));
  }

  private static byte[] value(Header header) {
    return header == null ? null : header.value();
  }

  public Future<Void> unsubscribe() {
    return consumer.unsubscribe();
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
