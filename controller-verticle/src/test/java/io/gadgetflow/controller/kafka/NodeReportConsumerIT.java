package io.gadgetflow.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.kafka.NodeReportConsumer.ReceivedReport;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.WithKafka;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's consumer of node reports against a real broker: what one acting replica read and
 * applied is not read again by the next, what it did not apply is.
 */
@WithKafka
class NodeReportConsumerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  private KafkaBroker kafka;
  private String topic;

  /**
   * The replicas' group, this test's own: other tests' controllers on the shared broker join the
   * controller's group and leave it, and each time the group rebalances, a commit may be refused.
   */
  private final String group = "node-report-consumer-it-" + UUID.randomUUID();

  @BeforeEach
  void createTopic(KafkaBroker kafka) {
    this.kafka = kafka;
    this.topic = kafka.createTopic("status", 1);
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
  }

  @Test
  void aReportAppliedIsNotReadAgainByTheReplicaActingNext() throws Exception {
    send("op-1", "op-2");
    Replica first = new Replica(report -> Future.succeededFuture());
    assertThat(first.take(2)).containsExactly("op-1", "op-2");
    first.stopActing();

    send("op-3");
    Replica next = new Replica(report -> Future.succeededFuture());
    assertThat(next.take(1)).containsExactly("op-3");
    next.stopActing();
  }

  @Test
  void aReportNotAppliedWhenTheReplicaStoppedActingIsReadAgainByTheNext() throws Exception {
    send("op-1", "op-2", "op-3");
    // op-2's status write waits for its next try when the replica stops acting: never applied.
    Promise<Void> neverWritten = Promise.promise();
    Replica first =
        new Replica(
            report ->
                report.report().operationId().equals("op-2")
                    ? neverWritten.future()
                    : Future.succeededFuture());
    assertThat(first.take(3)).containsExactly("op-1", "op-2", "op-3");
    first.stopActing();

    Replica next = new Replica(report -> Future.succeededFuture());
    assertThat(next.take(2)).containsExactly("op-2", "op-3");
    next.stopActing();
  }

  @Test
  void readingThroughTheEndWaitsForTheReportsOnTheTopicWhenAsked() throws Exception {
    send("op-1");
    Replica replica = new Replica(report -> Future.succeededFuture());
    assertThat(replica.take(1)).containsExactly("op-1");

    CompletableFuture<Integer> readWhenPassed = new CompletableFuture<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      // The replica's event loop held while reports are written and the reading through the end
      // is asked: whatever the broker hands the consumer meanwhile, nothing of it is read yet.
      replica.context.runOnContext(
          held -> {
            try {
              for (int i = 2; i <= 20; i++) {
                send(producer, "op-" + i);
              }
            } catch (Exception e) {
              readWhenPassed.completeExceptionally(e);
              return;
            }
            replica
                .consumer
                .readThroughEnd()
                .onComplete(
                    passed -> {
                      if (passed.succeeded()) {
                        readWhenPassed.complete(replica.read.size());
                      } else {
                        readWhenPassed.completeExceptionally(passed.cause());
                      }
                    });
          });
      assertThat(readWhenPassed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("reports handed over once the reading passed the end offsets asked for")
          .isEqualTo(19);
    }
    replica.take(19);
    replica.stopActing();
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        java.util.Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private void send(String... operationIds) throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (String operationId : operationIds) {
        send(producer, operationId);
      }
    }
  }

  private void send(KafkaProducer<String, byte[]> producer, String operationId) throws Exception {
    NodeReport report =
        new NodeReport(
            "node-1",
            UUID.randomUUID().toString(),
            operationId,
            TraceState.STARTED,
            null,
            null,
            null,
            EventCounters.NONE,
            Instant.now());
    producer.send(new ProducerRecord<>(topic, report.traceUid(), Json.encode(report))).get();
  }

  /** An acting replica's consumer, on a context of its own as the controller verticle's is. */
  private final class Replica {
    private final BlockingQueue<String> read = new LinkedBlockingQueue<>();
    private final Context context = vertx.getOrCreateContext();
    private final NodeReportConsumer consumer;

    Replica(Function<ReceivedReport, Future<?>> apply) throws Exception {
      CompletableFuture<NodeReportConsumer> subscribed = new CompletableFuture<>();
      context.runOnContext(
          v -> {
            NodeReportConsumer created =
                NodeReportConsumer.create(
                    vertx,
                    new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT),
                    topic,
                    group,
                    "replica-" + UUID.randomUUID(),
                    new SkippedRecords("test", message -> {}),
                    new Supervision());
            created
                .subscribe(
                    report -> {
                      read.add(report.report().operationId());
                      return apply.apply(report);
                    })
                .onSuccess(done -> subscribed.complete(created))
                .onFailure(subscribed::completeExceptionally);
          });
      this.consumer = subscribed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The operation ids of the next {@code count} reports read. */
    List<String> take(int count) throws InterruptedException {
      List<String> taken = new ArrayList<>();
      while (taken.size() < count) {
        String next = read.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(next).as("report %d of %d read in time", taken.size() + 1, count).isNotNull();
        taken.add(next);
      }
      return taken;
    }

    /** Stops acting as the controller does, then leaves the group for good. */
    void stopActing() throws Exception {
      CompletableFuture<Void> left = new CompletableFuture<>();
      // Through the event loop once first: the last report taken was seen by the handler, and the
      // consumer marks it applied by a task of its own that the handler's task queues on the same
      // event loop (the records come on a context other than the subscriber's); unsubscribing
      // before that task ran would commit without it, whichever test warmed the broker first.
      context.runOnContext(
          marksQueued ->
              context.runOnContext(
                  v ->
                      consumer
                          .unsubscribe()
                          .compose(unsubscribed -> consumer.close())
                          .onComplete(done -> left.complete(null))));
      left.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(read).as("reports read beyond those taken").isEmpty();
    }
  }
}
