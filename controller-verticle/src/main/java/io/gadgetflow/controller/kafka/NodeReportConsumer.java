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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
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

  /** How long a look at the topic's end offsets may take (a request or two to the brokers). */
  static final Duration LOOK_AT_ENDS_TIMEOUT = Duration.ofSeconds(10);

  /** How often the offsets of applied reports are committed while subscribed. */
  static final Duration COMMIT_PERIOD = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final SkippedRecords skipped;
  private final Supervision supervision;
  private final AppliedOffsets<TopicPartition> offsets = new AppliedOffsets<>();
  private final ReadProgress<TopicPartition> progress = new ReadProgress<>();

  /**
   * Where {@link #progress} is used: the consumer hands its records over on the event loop of the
   * context it was created on (a context of its own there), which a subscriber's may not be.
   */
  private final Context readOn;

  /** Asked for the topic's end offsets while a look at them was on its way: the next look's. */
  private List<Promise<Map<TopicPartition, Long>>> askingEnds = new ArrayList<>();

  private boolean lookingAtEnds;
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
    this.readOn = vertx.getOrCreateContext();
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
          progress.handedOver(partition, offset);
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

  /**
   * Completes once every report the topic held when this was asked (its end offsets then, in the
   * partitions this replica reads) has been handed to the handler: an answer among them has been
   * seen by then. Fails when the end offsets cannot be learned, or when this replica unsubscribes
   * first. Looks at the end offsets once at a time: the deadlines of a {@code -A} run's operations
   * pass together, and each look is a request on the consumer's one thread, between its polls.
   */
  public Future<Void> readThroughEnd() {
    Promise<Map<TopicPartition, Long>> ends = Promise.promise();
    Promise<Void> passed = Promise.promise();
    Context context = readOn;
    context.runOnContext(
        v -> {
          askingEnds.add(ends);
          if (!lookingAtEnds) {
            lookAtEnds(context);
          }
        });
    ends.future()
        .onComplete(
            looked ->
                context.runOnContext(
                    v -> {
                      if (looked.succeeded()) {
                        progress.await(looked.result(), passed);
                      } else {
                        passed.tryFail(looked.cause());
                      }
                    }));
    return passed.future();
  }

  /**
   * The end offsets of the partitions assigned, for everyone asking now; for a partition nothing of
   * which was handed over yet, the consumer's position tells where this replica's reading is. A
   * look that takes longer than {@link #LOOK_AT_ENDS_TIMEOUT} fails, so that the next can start.
   */
  private void lookAtEnds(Context context) {
    List<Promise<Map<TopicPartition, Long>>> asking = askingEnds;
    askingEnds = new ArrayList<>();
    lookingAtEnds = true;
    Promise<Map<TopicPartition, Long>> looked = Promise.promise();
    long timer =
        vertx.setTimer(
            LOOK_AT_ENDS_TIMEOUT.toMillis(),
            id ->
                looked.tryFail(
                    "the end offsets of "
                        + topic
                        + " were not learned within "
                        + LOOK_AT_ENDS_TIMEOUT.toSeconds()
                        + " s"));
    consumer
        .assignment()
        .compose(
            assigned ->
                assigned.isEmpty()
                    ? Future.failedFuture("no partition of " + topic + " is assigned")
                    : consumer.endOffsets(assigned))
        .compose(ends -> positionsWhereNothingRead(context, ends).map(ends))
        .onComplete(
            result -> {
              if (result.succeeded()) {
                looked.tryComplete(result.result());
              } else {
                looked.tryFail(result.cause());
              }
            });
    looked
        .future()
        .onComplete(
            result ->
                context.runOnContext(
                    v -> {
                      vertx.cancelTimer(timer);
                      asking.forEach(ends -> ends.handle(result));
                      lookingAtEnds = false;
                      if (!askingEnds.isEmpty()) {
                        lookAtEnds(context);
                      }
                    }));
  }

  /**
   * For a partition with reports below its end offset and nothing handed over yet in this
   * subscription, where the consumer reads next: its reading began there, after what was committed.
   * The position can count a first fetch whose records are still on their way to the handler: only
   * in the moments after this replica began reading a partition.
   */
  private Future<Void> positionsWhereNothingRead(Context context, Map<TopicPartition, Long> ends) {
    Promise<Set<TopicPartition>> unknown = Promise.promise();
    context.runOnContext(
        v ->
            unknown.complete(
                progress.unknown(ends.keySet()).stream()
                    .filter(partition -> ends.get(partition) > 0)
                    .collect(Collectors.toSet())));
    return unknown
        .future()
        .compose(
            unread ->
                Future.all(
                    unread.stream()
                        .map(
                            partition ->
                                consumer
                                    .position(partition)
                                    .onSuccess(
                                        position ->
                                            context.runOnContext(
                                                v -> progress.passedUpTo(partition, position))))
                        .toList()))
        .mapEmpty();
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
    readOn.runOnContext(v -> progress.clear("unsubscribed from " + topic));
    // With a handler, the stream would go on polling a consumer subscribed to nothing, each poll
    // failing at once: a standing-by replica logged that some 300 times a second (ControllerIT).
    consumer.handler(null);
    return consumer.unsubscribe();
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
