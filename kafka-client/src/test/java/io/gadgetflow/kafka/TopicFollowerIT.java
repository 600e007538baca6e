package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.WithKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@WithKafka
class TopicFollowerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Records what a follower tells, as "value" strings and markers. */
  private static final class Recorder implements TopicFollower.Listener {
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    final CountDownLatch positioned = new CountDownLatch(1);

    @Override
    public void onPositioned() {
      positioned.countDown();
      seen.add("<positioned>");
    }

    @Override
    public void onCaughtUp() {
      seen.add("<caught up>");
    }

    @Override
    public void onRecords(ConsumerRecords<String, byte[]> records) {
      records.forEach(record -> seen.add(new String(record.value(), StandardCharsets.UTF_8)));
    }

    String next() throws InterruptedException {
      String value = seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(value).as("the follower's next word").isNotNull();
      return value;
    }
  }

  @Test
  void fromTheBeginningDeliversWhatIsThereThenSaysItCaughtUpThenFollows(KafkaBroker kafka)
      throws Exception {
    String topic = kafka.createTopic("follow-beginning", 3);
    write(kafka, topic, "old-1", "old-2");
    Recorder recorder = new Recorder();

    try (TopicFollower follower = follow(kafka, recorder, TopicStart.beginning(topic))) {
      assertThat(recorder.next()).isEqualTo("<positioned>");
      assertThat(List.of(recorder.next(), recorder.next()))
          .containsExactlyInAnyOrder("old-1", "old-2");
      assertThat(recorder.next()).isEqualTo("<caught up>");
      write(kafka, topic, "new-1");
      assertThat(recorder.next()).isEqualTo("new-1");
      assertThat(follower.failure()).isEmpty();
    }
  }

  @Test
  void fromTheEndDeliversOnlyWhatIsWrittenAfterItPositioned(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("follow-end");
    write(kafka, topic, "before");
    Recorder recorder = new Recorder();

    try (TopicFollower follower = follow(kafka, recorder, TopicStart.end(topic))) {
      assertThat(recorder.next()).isEqualTo("<positioned>");
      assertThat(recorder.next()).isEqualTo("<caught up>");
      write(kafka, topic, "after");
      assertThat(recorder.next()).isEqualTo("after");
    }
  }

  @Test
  void sinceATimeSkipsWhatIsOlder(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("follow-since");
    Instant now = Instant.now();
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, 0, now.minusSeconds(3600).toEpochMilli(), "k", "hour-old"))
          .get();
      producer.send(new ProducerRecord<>(topic, 0, now.toEpochMilli(), "k", "recent")).get();
    }
    Recorder recorder = new Recorder();

    try (TopicFollower follower =
        follow(kafka, recorder, TopicStart.since(topic, () -> now.minusSeconds(60)))) {
      assertThat(recorder.next()).isEqualTo("<positioned>");
      assertThat(recorder.next()).isEqualTo("recent");
    }
  }

  @Test
  void aFollowedKeysPartitionIsReadFromItsEndUntilNobodyFollowsIt(KafkaBroker kafka)
      throws Exception {
    String keyed = kafka.createTopic("follow-key", 3);
    String marker = kafka.createTopic("follow-key-marker");
    String key = "trace-a";
    int partition = KeyPartitions.of(key, 3);
    String elsewhere = "trace-b";
    for (int i = 0; KeyPartitions.of(elsewhere, 3) == partition; i++) {
      elsewhere = "trace-b" + i;
    }
    writeKeyed(kafka, keyed, key, "before");
    Recorder recorder = new Recorder();

    try (TopicFollower follower = follow(kafka, recorder, TopicStart.end(marker))) {
      assertThat(recorder.next()).isEqualTo("<positioned>");
      assertThat(recorder.next()).isEqualTo("<caught up>");
      assertThat(follower.followKey(keyed, key).get(30, TimeUnit.SECONDS)).isEqualTo(partition);
      writeKeyed(kafka, keyed, elsewhere, "another partition");
      writeKeyed(kafka, keyed, key, "followed");
      assertThat(recorder.next()).isEqualTo("followed");

      // Two readers of the key: the partition is followed until both withdrew.
      follower.followKey(keyed, key).get(30, TimeUnit.SECONDS);
      follower.unfollowKey(keyed, key).get(30, TimeUnit.SECONDS);
      writeKeyed(kafka, keyed, key, "still followed");
      assertThat(recorder.next()).isEqualTo("still followed");
      follower.unfollowKey(keyed, key).get(30, TimeUnit.SECONDS);
      writeKeyed(kafka, keyed, key, "no longer followed");
      write(kafka, marker, "marker");
      assertThat(recorder.next()).isEqualTo("marker");
      assertThat(follower.failure()).isEmpty();
    }
  }

  @Test
  void aFollowerOfKeysAloneWaitsForOne(KafkaBroker kafka) throws Exception {
    String keyed = kafka.createTopic("follow-keys-alone", 2);
    Recorder recorder = new Recorder();

    try (TopicFollower follower =
        TopicFollower.start(
            "test-follower",
            clients(kafka).groupFreeConsumer("test-follower"),
            List.of(),
            recorder)) {
      assertThat(recorder.next()).isEqualTo("<positioned>");
      follower.followKey(keyed, "k").get(30, TimeUnit.SECONDS);
      writeKeyed(kafka, keyed, "k", "first");
      assertThat(recorder.next()).isEqualTo("<caught up>");
      assertThat(recorder.next()).isEqualTo("first");
      assertThat(follower.failure()).isEmpty();
    }
  }

  @Test
  void aTopicCreatedAfterTheFollowerStartedIsFollowedOnceItExists(KafkaBroker kafka)
      throws Exception {
    String topic = "created-later-" + System.nanoTime();
    Recorder recorder = new Recorder();

    try (TopicFollower follower = follow(kafka, recorder, TopicStart.beginning(topic))) {
      // Kafka answers that the topic is missing; the follower must neither stop nor give up.
      assertThat(recorder.positioned.await(3, TimeUnit.SECONDS)).isFalse();
      assertThat(follower.failure()).isEmpty();
      kafka.createTopicNamed(topic, 1);
      write(kafka, topic, "first");

      assertThat(recorder.next()).isEqualTo("<positioned>");
      assertThat(List.of(recorder.next(), recorder.next())).contains("first");
      assertThat(follower.failure()).isEmpty();
    }
  }

  @Test
  void aListenerThatThrowsEndsTheFollowerAndItSaysWhy(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("follow-failing");
    IllegalStateException fault = new IllegalStateException("listener fault");
    CountDownLatch thrown = new CountDownLatch(1);
    BlockingQueue<Throwable> stopped = new LinkedBlockingQueue<>();
    TopicFollower.Listener failing =
        new TopicFollower.Listener() {
          @Override
          public void onRecords(ConsumerRecords<String, byte[]> records) {
            thrown.countDown();
            throw fault;
          }

          @Override
          public void onStopped(Throwable cause) {
            stopped.add(cause);
          }
        };

    try (TopicFollower follower =
        TopicFollower.start(
            "test-follower",
            clients(kafka).groupFreeConsumer("test-follower"),
            List.of(TopicStart.beginning(topic)),
            failing)) {
      write(kafka, topic, "poison");
      assertThat(thrown.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      // The listener is told, so that the role it feeds can say it lost the follower.
      assertThat(stopped.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isSameAs(fault);
      assertThat(follower.failure()).contains(fault);
    }
  }

  @Test
  void closeEndsAFollowerThatWaitsForKafkaAtOnce(KafkaBroker kafka) {
    Recorder recorder = new Recorder();
    TopicFollower follower =
        follow(kafka, recorder, TopicStart.beginning("never-" + System.nanoTime()));
    long start = System.nanoTime();

    follower.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TopicFollower.RETRY_DELAY);
  }

  private static TopicFollower follow(KafkaBroker kafka, Recorder recorder, TopicStart start) {
    return TopicFollower.start(
        "test-follower",
        clients(kafka).groupFreeConsumer("test-follower"),
        List.of(start),
        recorder);
  }

  private static KafkaClients clients(KafkaBroker kafka) {
    return new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT);
  }

  private static void write(KafkaBroker kafka, String topic, String... values) throws Exception {
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value, value)).get();
      }
    }
  }

  private static void writeKeyed(KafkaBroker kafka, String topic, String key, String value)
      throws Exception {
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
