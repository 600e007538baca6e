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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
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
 *
 * <p>A report's offset is committed only once the handler applied it ({@link AppliedOffsets}): a
 * replica that stops acting while an answer's status write waits for its next try leaves that
 * answer to be read again by the replica acting next. Kafka's automatic commits, used before,
 * committed it on reading, and the answer was lost with the write. A report read twice is harmless:
 * status is only written when it changes.
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

  /** How often the offsets of applied reports are committed while subscribed. */
  static final Duration COMMIT_PERIOD = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final SkippedRecords skipped;
  private final Supervision supervision;
  private final AppliedOffsets<TopicPartition> offsets = new AppliedOffsets<>();
  private long commitTimer = -1;

  /** Where {@link #offsets} is used: the context of the last {@link #subscribe}. */
  private Context subscribedOn;

  NodeReportConsumer(
      Vertx vertx,
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      SkippedRecords skipped,
      Supervision supervision) {
    this.vertx = vertx;
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
    return create(vertx, kafka, topic, GROUP_ID, identity, skipped, supervision);
  }

  /**
   * @param groupId the consumer group every replica shares: {@link #GROUP_ID} but in a test, whose
   *     group must not meet the other tests' controllers on the same broker
   */
  static NodeReportConsumer create(
      Vertx vertx,
      KafkaClients kafka,
      String topic,
      String groupId,
      String identity,
      SkippedRecords skipped,
      Supervision supervision) {
    Properties config = kafka.groupConsumer(groupId, PART + "-" + identity);
    // Committed once applied (see the class's comment), never on reading.
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // A new group must not miss an answer written before its partitions were assigned.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A replica killed without leaving the group keeps the partitions until its session expires:
    // with Kafka's 45 s, the replica acting after it (within the Lease's 15 s) heard no answer for
    // 30 s more, and its operation timeouts showed nodes that had answered as silent
    // (ControlPlaneFaultsIT). Expired before the Lease, the session costs the takeover nothing.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(SESSION_TIMEOUT.toMillis()));
    return new NodeReportConsumer(
        vertx,
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

  /**
   * Hands each report to {@code handler}, whose future says whether it was applied: succeeded,
   * applied or refused for good; failed, not applied, and read again after this subscription.
   */
  public Future<Void> subscribe(Function<ReceivedReport, Future<?>> handler) {
    Context context = vertx.getOrCreateContext();
    subscribedOn = context;
    consumer.handler(
        record -> {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          long offset = record.offset();
          offsets.read(partition, offset);
          String where = SkippedRecords.where(record.topic(), record.partition(), offset);
          switch (ContractRecords.nodeReport(record.key(), record.value())) {
            case Read.Valid<NodeReport>(NodeReport report) -> {
              Future<?> applied;
              try {
                applied =
                    handler.apply(
                        new ReceivedReport(report, record.value(), signature(record.record())));
              } catch (RuntimeException e) {
                LOG.debug("Handling the report at {} failed", where, e);
                skipped.skip(where, RecordFault.UNHANDLED, e.toString());
                applied = Future.succeededFuture();
              }
              applied.onSuccess(done -> markApplied(context, partition, offset));
            }
            case Read.Skipped<NodeReport>(RecordFault fault, String detail) -> {
              skipped.skip(where, fault, detail);
              offsets.applied(partition, offset);
            }
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
    commitTimer = vertx.setPeriodic(COMMIT_PERIOD.toMillis(), id -> commitApplied());
    return consumer.subscribe(topic);
  }

  /**
   * At once when the report was applied on the consumer's context, so that an unsubscribe asked
   * meanwhile commits it; else on that context, since status writes may complete on a Kubernetes
   * client's thread.
   */
  private void markApplied(Context context, TopicPartition partition, long offset) {
    if (Vertx.currentContext() == context) {
      offsets.applied(partition, offset);
    } else {
      context.runOnContext(v -> offsets.applied(partition, offset));
    }
  }

  /**
   * Commits, for each partition, up to the first report read and not applied yet. A commit the
   * group refuses (during a rebalance, when another replica joins or leaves) is tried again by the
   * next one.
   */
  private Future<?> commitApplied() {
    Map<TopicPartition, Long> moved = offsets.toCommit();
    if (moved.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    moved.forEach((partition, next) -> commit.put(partition, new OffsetAndMetadata(next, "")));
    Context context = subscribedOn;
    return consumer
        .commit(commit)
        .onSuccess(done -> context.runOnContext(v -> offsets.committed(moved)))
        // Not committed, these reports are read again by the replica acting next: harmless.
        .onFailure(e -> LOG.debug("Committing {} failed: {}", commit, e.toString()));
  }

  private static StatusSignature signature(ConsumerRecord<String, byte[]> record) {
    return StatusSignature.fromHeaders(
        value(record.headers().lastHeader(StatusSignature.KEY_ID_HEADER)),
        value(record.headers().lastHeader(StatusSignature.MAC_HEADER)));
  }

  private static byte[] value(Header header) {
    return header == null ? null : header.value();
  }

  /**
   * Commits what was applied, then leaves the group's partitions: the reports still being applied
   * are read again by the replica acting next.
   */
  public Future<Void> unsubscribe() {
    vertx.cancelTimer(commitTimer);
    // Both run on the consumer's own thread in the order asked, before a subscription after this.
    commitApplied();
    offsets.clear();
    // With a handler, the stream would go on polling a consumer subscribed to nothing, each poll
    // failing at once: a standing-by replica logged that some 300 times a second (ControllerIT).
    consumer.handler(null);
    return consumer.unsubscribe();
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
