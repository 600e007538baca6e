package io.gadgetflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.CloudEventHeaders;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node agent against the real kernel and a real broker, driven through the control topic. */
@WithKafka
class NodeVerticleIT {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String NODE = "it-node";

  KafkaBroker kafka;
  TopicNames topics;
  Vertx vertx;
  KafkaProducer<String, String> producer;
  String agent;

  @BeforeEach
  void startAgent(KafkaBroker kafka) throws Exception {
    this.kafka = kafka;
    topics =
        new TopicNames(
            kafka.createTopic("control"), kafka.createTopic("status"), kafka.createTopic("events"));
    vertx = Vertx.vertx();
    producer = kafka.producer();
    agent = deployAgent();
  }

  @AfterEach
  void stopAgent() throws Exception {
    producer.close();
    await(vertx.close());
  }

  @Test
  void execEventsReachKafkaWithCloudEventsHeadersUntilStopped() throws Exception {
    String uid = UUID.randomUUID().toString();
    publish(control(uid, "execsnoop", Operation.START, "op-start", true));
    assertThat(awaitAnswer(uid, "op-start").state()).isEqualTo(TraceState.STARTED);

    String marker = "gadgetflow-exec-" + UUID.randomUUID();
    Set<Long> pids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      pids.add(runTrue(marker, "second-arg"));
    }

    List<ConsumerRecord<String, String>> events = awaitEvents(marker, 5);
    Set<String> ids = new HashSet<>();
    for (ConsumerRecord<String, String> record : events) {
      RecordSchemas.assertValid("event-execsnoop.json", record.value());
      JsonNode event = Json.mapper().readTree(record.value());
      assertThat(record.key()).isEqualTo(uid);
      assertThat(event.get("pid").asLong()).isIn(pids);
      assertThat(event.get("ppid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(event.get("comm").asText()).isEqualTo("true");
      assertThat(event.get("ret").asInt()).isZero();
      assertThat(event.get("node").asText()).isEqualTo(NODE);
      assertThat(event.get("args"))
          .extracting(JsonNode::asText)
          .containsExactly("/bin/true", marker, "second-arg");
      assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
      assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("io.gadgetflow.execsnoop");
      assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/gadgetflow/nodes/" + NODE);
      assertThat(header(record, CloudEventHeaders.SUBJECT)).isEqualTo("traces/gadget/trace-" + uid);
      assertThat(header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
      assertThat(Instant.parse(header(record, CloudEventHeaders.TIME)))
          .isEqualTo(Instant.ofEpochSecond(0, event.get("timestamp").asLong()));
      ids.add(header(record, CloudEventHeaders.ID));
    }
    assertThat(ids).hasSize(5);

    publish(control(uid, "execsnoop", Operation.STOP, "op-stop", false));
    NodeReport stopped = awaitAnswer(uid, "op-stop");
    assertThat(stopped.state()).isEqualTo(TraceState.STOPPED);
    assertThat(stopped.counters().events()).isGreaterThanOrEqualTo(5);

    assertNoMoreEventsFor(uid);
  }

  @Test
  void moreTracesOfAGadgetThanTheKernelRunsProgramsOnATracepointShareOneProgram() throws Exception {
    // The kernel runs at most 64 BPF programs on one tracepoint (BPF_TRACE_MAX_PROGS).
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      uids.add(UUID.randomUUID().toString());
    }
    for (String uid : uids) {
      publish(control(uid, "execsnoop", Operation.START, "op-start", true));
    }
    assertThat(awaitAnswersOf(uids, "op-start"))
        .allSatisfy(
            answer -> {
              assertThat(answer.operationError()).isNull();
              assertThat(answer.state()).isEqualTo(TraceState.STARTED);
            });

    String marker = "gadgetflow-shared-" + UUID.randomUUID();
    runTrue(marker);
    assertThat(awaitEvents(marker, uids.size()))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrderElementsOf(uids);

    String remaining = uids.getLast();
    List<String> stopped = uids.subList(0, uids.size() - 1);
    for (String uid : stopped) {
      publish(control(uid, "execsnoop", Operation.STOP, "op-stop", false));
    }
    assertThat(awaitAnswersOf(stopped, "op-stop"))
        .extracting(NodeReport::state)
        .containsOnly(TraceState.STOPPED);

    String later = "gadgetflow-shared-later-" + UUID.randomUUID();
    runTrue(later);
    assertThat(eventsUpToSentinel(remaining, later))
        .extracting(ConsumerRecord::key)
        .containsExactly(remaining);
  }

  @Test
  void openEventsCarryThePathAndTheError(@TempDir Path directory) throws Exception {
    String uid = UUID.randomUUID().toString();
    publish(control(uid, "opensnoop", Operation.START, "op-start", true));
    awaitAnswer(uid, "op-start");

    Path existing =
        Files.writeString(directory.resolve("gadgetflow-open-" + UUID.randomUUID()), "x");
    Files.readString(existing);
    Path missing = directory.resolve("gadgetflow-missing-" + UUID.randomUUID());
    try {
      Files.readString(missing);
    } catch (IOException expected) {
      // The failed open is what the gadget must see.
    }

    JsonNode opened = onlyEvent(awaitEvents(existing.toString(), 1));
    assertThat(opened.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(opened.get("path").asText()).isEqualTo(existing.toString());
    assertThat(opened.get("fd").asInt()).isGreaterThanOrEqualTo(0);
    assertThat(opened.get("err").asInt()).isZero();

    JsonNode failed = onlyEvent(awaitEvents(missing.toString(), 1));
    assertThat(failed.get("fd").asInt()).isEqualTo(-1);
    assertThat(failed.get("err").asInt()).isEqualTo(2);
    assertThat(failed.get("ret").asInt()).isEqualTo(-2);
  }

  @Test
  void stoppingATraceThatIsNotRunningIsAnError() throws Exception {
    String uid = UUID.randomUUID().toString();
    publish(control(uid, "execsnoop", Operation.STOP, "op-stop", false));

    NodeReport answer = awaitAnswer(uid, "op-stop");

    assertThat(answer.operationError()).isEqualTo("Not started");
    assertThat(answer.state()).isNull();
  }

  @Test
  void aRepeatedOperationIsAnsweredAgainButRunOnce() throws Exception {
    String uid = UUID.randomUUID().toString();
    ControlRecord start = control(uid, "execsnoop", Operation.START, "op-start", true);
    publish(start);
    awaitAnswer(uid, "op-start");
    publish(start);
    awaitAnswers(uid, "op-start", 2);

    String marker = "gadgetflow-once-" + UUID.randomUUID();
    runTrue(marker);

    assertThat(eventsUpToSentinel(uid, marker)).hasSize(1);
  }

  @Test
  void aRestartedAgentResumesItsRunningTraces() throws Exception {
    String running = UUID.randomUUID().toString();
    String stopped = UUID.randomUUID().toString();
    publish(control(running, "execsnoop", Operation.START, "op-1", true));
    publish(control(stopped, "execsnoop", Operation.START, "op-2", true));
    awaitAnswer(running, "op-1");
    awaitAnswer(stopped, "op-2");
    publish(control(stopped, "execsnoop", Operation.STOP, "op-3", false));
    awaitAnswer(stopped, "op-3");

    runTrue("gadgetflow-before-restart-" + UUID.randomUUID());

    await(vertx.undeploy(agent));
    agent = deployAgent();
    assertThat(awaitAnswers(running, "op-1", 2).getLast().state()).isEqualTo(TraceState.STARTED);

    String marker = "gadgetflow-resumed-" + UUID.randomUUID();
    runTrue(marker);
    List<ConsumerRecord<String, String>> eventsOfRunning =
        kafka
            .consumeUntil(
                topics.events(),
                r -> r.key().equals(running) && r.value().contains(marker),
                TIMEOUT)
            .stream()
            .filter(r -> r.key().equals(running))
            .toList();
    // The events of both runs of the agent: each run's sequence starts at 0 again.
    assertThat(eventsOfRunning)
        .extracting(r -> header(r, CloudEventHeaders.ID))
        .doesNotHaveDuplicates();
    assertNoMoreEventsFor(stopped);

    // The time no agent ran it is said, not silent: the stopping agent's last word, then the new
    // agent's first, each a warning about no process. The stopped trace was to run no longer.
    List<JsonObject> warnings =
        kafka
            .consumeMatching(
                topics.events(), event -> event.value().contains("\"type\":\"warn\""), 2, TIMEOUT)
            .stream()
            .peek(event -> assertThat(event.key()).isEqualTo(running))
            .map(event -> new JsonObject(event.value()))
            .toList();
    assertThat(warnings)
        .extracting(warning -> warning.getString("message"))
        .containsExactly(
            "node agent stopping: nothing is traced from now until a node agent runs this gadget"
                + " again",
            "node agent restarted: this gadget runs again; nothing was traced from when the"
                + " previous node agent stopped until now");
    assertThat(warnings.getFirst().getLong("timestamp"))
        .isLessThan(warnings.getLast().getLong("timestamp"));
    assertThat(warnings)
        .allSatisfy(
            warning -> {
              assertThat(warning.getLong("mountnsid")).isZero();
              assertThat(warning.getString("node")).isEqualTo(NODE);
              assertThat(warning.getString("pod")).isEmpty();
            });
  }

  /**
   * A trace of another node, then the same trace moved to this node: the agent runs a trace's
   * records one after another and answers each before the next, so an agent that ran the other
   * node's record would have answered it before this node's.
   */
  @Test
  void tracesOfOtherNodesAreLeftAlone() throws Exception {
    String uid = UUID.randomUUID().toString();
    ControlRecord mine = control(uid, "execsnoop", Operation.START, "op-mine", true);
    publish(
        new ControlRecord(
            mine.traceNamespace(),
            mine.traceName(),
            uid,
            1,
            "another-node",
            "execsnoop",
            null,
            OutputMode.STREAM,
            null,
            Map.of(),
            Operation.START,
            "op-other",
            true,
            Instant.now()));
    publish(mine);

    List<String> answered =
        kafka
            .consumeUntil(
                topics.status(),
                r -> r.key().equals(uid) && r.value().contains("\"op-mine\""),
                TIMEOUT)
            .stream()
            .filter(r -> r.key().equals(uid))
            .map(r -> Json.decode(r.value().getBytes(StandardCharsets.UTF_8), NodeReport.class))
            .map(NodeReport::operationId)
            .toList();

    assertThat(answered).containsExactly("op-mine");
  }

  /**
   * The control topic is created after the agent started, as on a fresh cluster where the agent
   * comes up before whoever creates the topics: the agent waits for it instead of giving up.
   */
  @Test
  void anAgentStartedBeforeTheControlTopicExistsRunsOperationsOnceItDoes() throws Exception {
    TopicNames late =
        new TopicNames("late-control-" + UUID.randomUUID(), topics.status(), topics.events());
    NodeConfig config =
        NodeConfig.defaults(NODE, kafka.bootstrapServers())
            .withTopics(late)
            .withReportInterval(Duration.ofMillis(200));
    Vertx other = Vertx.vertx();
    try {
      Future<String> deployed = other.deployVerticle(new NodeVerticle(config, Clock.systemUTC()));
      // Long enough for the reader to meet the missing topic and try again: it is still waiting.
      Thread.sleep(TopicFollower.RETRY_DELAY.toMillis() + 1000);
      assertThat(deployed.isComplete()).isFalse();
      kafka.createTopicNamed(late.control(), 1);
      await(deployed);
      String uid = UUID.randomUUID().toString();
      ControlRecord start = control(uid, "execsnoop", Operation.START, "op-late", true);
      producer
          .send(
              new ProducerRecord<>(
                  late.control(), uid, new String(Json.encode(start), StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);

      assertThat(awaitAnswer(uid, "op-late").state()).isEqualTo(TraceState.STARTED);
    } finally {
      await(other.close());
    }
  }

  /**
   * Proves a stopped trace emits nothing: a second trace sees two later execs, and every event of
   * those execs belongs to the second trace.
   */
  private void assertNoMoreEventsFor(String silentUid) throws Exception {
    String sentinel = UUID.randomUUID().toString();
    publish(control(sentinel, "execsnoop", Operation.START, "op-sentinel", true));
    awaitAnswer(sentinel, "op-sentinel");
    String marker = "gadgetflow-after-" + UUID.randomUUID();
    runTrue(marker);

    List<ConsumerRecord<String, String>> after = eventsUpToSentinel(sentinel, marker);

    assertThat(after).extracting(ConsumerRecord::key).doesNotContain(silentUid);
  }

  /** Events of {@code marker}, read until {@code sentinelUid} has seen a later exec. */
  private List<ConsumerRecord<String, String>> eventsUpToSentinel(String sentinelUid, String marker)
      throws Exception {
    String closing = "gadgetflow-closing-" + UUID.randomUUID();
    runTrue(closing);
    return kafka
        .consumeUntil(
            topics.events(),
            r -> r.key().equals(sentinelUid) && r.value().contains(closing),
            TIMEOUT)
        .stream()
        .filter(r -> r.value().contains(marker))
        .toList();
  }

  private String deployAgent() throws Exception {
    NodeConfig config =
        NodeConfig.defaults(NODE, kafka.bootstrapServers())
            .withTopics(topics)
            .withReportInterval(Duration.ofMillis(200));
    return await(vertx.deployVerticle(new NodeVerticle(config, Clock.systemUTC())));
  }

  private ControlRecord control(
      String uid, String gadget, Operation operation, String operationId, boolean running) {
    return new ControlRecord(
        "gadget",
        "trace-" + uid,
        uid,
        1,
        NODE,
        gadget,
        new TraceFilter(null, null, null, null),
        OutputMode.STREAM,
        null,
        Map.of(),
        operation,
        operationId,
        running,
        Instant.now());
  }

  private void publish(ControlRecord record) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topics.control(),
                record.traceUid(),
                new String(Json.encode(record), StandardCharsets.UTF_8)))
        .get(30, TimeUnit.SECONDS);
  }

  private NodeReport awaitAnswer(String uid, String operationId) {
    return awaitAnswers(uid, operationId, 1).getFirst();
  }

  private List<NodeReport> awaitAnswers(String uid, String operationId, int count) {
    List<NodeReport> answers = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        kafka.consumeMatching(
            topics.status(),
            // Not the counter updates, which repeat the operation's id: counted as answers, the
            // first agent's updates let a test go on before the restarted agent had answered.
            r ->
                r.key().equals(uid)
                    && r.value().contains("\"" + operationId + "\"")
                    && !Json.decode(r.value().getBytes(StandardCharsets.UTF_8), NodeReport.class)
                        .countersUpdate(),
            count,
            TIMEOUT)) {
      RecordSchemas.assertValid("node-report.json", record.value());
      answers.add(Json.decode(record.value().getBytes(StandardCharsets.UTF_8), NodeReport.class));
    }
    return answers;
  }

  /**
   * The first answer to {@code operationId} of each of {@code uids}; a running trace's later
   * reports of its counters repeat it.
   */
  private List<NodeReport> awaitAnswersOf(List<String> uids, String operationId) {
    Set<String> unanswered = new HashSet<>(uids);
    List<NodeReport> answers = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        kafka.consumeMatching(
            topics.status(),
            r -> r.value().contains("\"" + operationId + "\"") && unanswered.remove(r.key()),
            uids.size(),
            TIMEOUT)) {
      answers.add(Json.decode(record.value().getBytes(StandardCharsets.UTF_8), NodeReport.class));
    }
    return answers;
  }

  private List<ConsumerRecord<String, String>> awaitEvents(String marker, int count) {
    return kafka.consumeMatching(topics.events(), r -> r.value().contains(marker), count, TIMEOUT);
  }

  private static JsonNode onlyEvent(List<ConsumerRecord<String, String>> records)
      throws IOException {
    assertThat(records).hasSize(1);
    RecordSchemas.assertValid("event-opensnoop.json", records.getFirst().value());
    return Json.mapper().readTree(records.getFirst().value());
  }

  private static long runTrue(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/true"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.pid();
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as(name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
