package io.gadgetflow.node.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.identity.NodeKey;
import io.gadgetflow.kafka.identity.StatusSignature;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Properties;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's answers and counter updates to the status topic, each signed with the node's
 * key ({@link StatusSignature}): the controller applies only what the Trace's own node signed.
 * While the topic takes none (a broker away), every failed report is counted in {@code
 * gadgetflow_node_status_send_failures_total}, and the log says so once per outage: when the first
 * report fails, and when one is sent again, with how many were not. Runs on the agent's context.
 */
public final class StatusReporter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);

  private final Vertx vertx;
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final NodeKey key;
  private final Counter failures;
  private long failedInOutage;

  StatusReporter(
      Vertx vertx,
      KafkaProducer<String, byte[]> producer,
      String topic,
      NodeKey key,
      Counter failures) {
    this.vertx = vertx;
    this.producer = producer;
    this.topic = topic;
    this.key = key;
    this.failures = failures;
    // Each failure is the failed future of its report, handled there; without this handler the
    // producer would also log every one of them as unhandled.
    producer.exceptionHandler(failure -> {});
  }

  /** The status topic's producer: creating it blocks, so call it on a worker. */
  public static Producer<String, byte[]> createProducer(KafkaClients kafka, String node) {
    Properties producerConfig = kafka.producer("gadgetflow-node-status-" + node);
    // A user is waiting on each answer: send at once rather than batch.
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new org.apache.kafka.clients.producer.KafkaProducer<>(
        producerConfig, new StringSerializer(), new ByteArraySerializer());
  }

  /** A reporter that sends through {@code producer} on the calling context. */
  public static StatusReporter around(
      Vertx vertx, Producer<String, byte[]> producer, String topic, NodeKey key, Counter failures) {
    return new StatusReporter(vertx, KafkaProducer.create(vertx, producer), topic, key, failures);
  }

  public Future<Void> report(NodeReport report) {
    byte[] value = Json.encode(report);
    StatusSignature signature = StatusSignature.of(key, value);
    KafkaProducerRecord<String, byte[]> record =
        KafkaProducerRecord.create(topic, report.traceUid(), value)
            .addHeader(StatusSignature.KEY_ID_HEADER, Buffer.buffer(signature.keyIdHeader()))
            .addHeader(StatusSignature.MAC_HEADER, Buffer.buffer(signature.mac()));
    return producer.send(record).<Void>mapEmpty().onComplete(this::noteOutcome);
  }

  /** Counts a failed report; logs the first of an outage and the first report sent after it. */
  private void noteOutcome(AsyncResult<Void> sent) {
    if (sent.failed()) {
      failures.increment();
      if (failedInOutage++ == 0) {
        LOG.warn(
            "Node {}: the status topic {} takes no reports ({}); the controller misses them"
                + " until one is sent again, and the next failures are only counted",
            key.node(),
            topic,
            sent.cause().toString());
      }
    } else if (failedInOutage > 0) {
      LOG.info(
          "Node {}: the status topic {} takes reports again; {} could not be sent",
          key.node(),
          topic,
          failedInOutage);
      failedInOutage = 0;
    }
  }

  /**
   * Closes the producer within {@link ProducerClose#TIMEOUT}, failing what Kafka did not take (each
   * a failed report, counted), where the Vert.x producer's close waited for Kafka up to a minute.
   * The agent's stop sends no report of its own: a stopped agent's Traces run on as the control
   * topic says, and its last events say that nothing is traced until an agent runs them again.
   */
  public Future<Void> close() {
    return ProducerClose.within(vertx, producer);
  }
}
