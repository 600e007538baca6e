package io.gadgetflow.faults;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The operations a fault that runs no controller (agent-restart, the broker faults) hands to its
 * node itself, as the controller does: one control record per operation, keyed by the Trace's uid,
 * with an operation id of its own, written with {@code acks=all} and idempotence, in order, by a
 * thread of its own: the fault never waits for Kafka to take one (a record written while Kafka is
 * away goes once Kafka takes it). {@link #figures} counts what the node answered on the status
 * topic (counter updates not counted): an operation never answered is lost, one answered more than
 * once ran twice, except the one repeat a restarted agent makes by design.
 */
final class PublishedOperations implements AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(150);

  /** One operation written to the control topic, and when. */
  private record Published(String traceUid, String operationId, Instant at) {}

  private final String bootstrap;
  private final String controlTopic;
  private final String statusTopic;
  private final String node;
  private final KafkaProducer<String, byte[]> producer;
  private final List<Published> published = new ArrayList<>();
  private final Map<String, ControlRecord> traces = new LinkedHashMap<>();
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("faults-operations").factory());
  private final List<Future<RecordMetadata>> sends = new ArrayList<>();

  PublishedOperations(String bootstrap, String controlTopic, String statusTopic, String node) {
    this.bootstrap = bootstrap;
    this.controlTopic = controlTopic;
    this.statusTopic = statusTopic;
    this.node = node;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "true",
                // A broker restarting may answer before it knows its topics: wait for it rather
                // than fail the operation after Kafka's 60 s.
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                Long.toString(SEND_TIMEOUT.toMillis())),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** Starts the Trace {@code uid} of {@code gadget} on the node. */
  void start(String uid, String gadget, OutputMode outputMode, String output) {
    publish(startRecord(uid, node, gadget, outputMode, output));
  }

  /** Starts a Trace of output mode Status ({@code biolatency}, a profile), its uid returned. */
  String startProfile() {
    String uid = UUID.randomUUID().toString();
    start(uid, GadgetCatalog.BIOLATENCY.name(), OutputMode.STATUS, null);
    return uid;
  }

  /** Stops the Trace {@code uid} started here. */
  void stop(String uid) {
    ControlRecord last = traces.get(uid);
    publish(
        new ControlRecord(
            last.traceNamespace(),
            last.traceName(),
            uid,
            last.generation(),
            last.node(),
            last.gadget(),
            last.filter(),
            last.outputMode(),
            last.output(),
            last.parameters(),
            Operation.STOP,
            "op-stop-" + UUID.randomUUID(),
            false,
            Instant.now()));
  }

  /** The control record that starts a Trace of {@code gadget} on {@code node}. */
  static ControlRecord startRecord(
      String uid, String node, String gadget, OutputMode outputMode, String output) {
    return new ControlRecord(
        "gadget",
        "faults-" + uid.substring(0, 8),
        uid,
        1,
        node,
        gadget,
        null,
        outputMode,
        output,
        Map.of(),
        Operation.START,
        "op-start-" + UUID.randomUUID(),
        true,
        Instant.now());
  }

  private void publish(ControlRecord record) {
    traces.put(record.traceUid(), record);
    published.add(new Published(record.traceUid(), record.operationId(), record.time()));
    ProducerRecord<String, byte[]> value =
        new ProducerRecord<>(controlTopic, record.traceUid(), Json.encode(record));
    // send() itself waits while the producer knows no leader of the topic (a broker away).
    sends.add(
        sender.submit(() -> producer.send(value).get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)));
  }

  /** Waits until Kafka took every operation and the node answered each (or {@code timeout}). */
  void awaitAnswered(Duration timeout) throws Exception {
    for (Future<RecordMetadata> send : sends) {
      send.get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    FaultSteps.awaitCondition(
        () -> {
          Map<String, List<Instant>> answers = answers();
          return published.stream().noneMatch(op -> answers.get(op.operationId()).isEmpty());
        },
        timeout,
        null);
  }

  /**
   * What became of the operations published so far: lost (never answered) and run twice (answered
   * more than once). {@code agentRestartedAt}, when the node's agent was started again (null when
   * it was not): the restarted agent answers each Trace's last operation once more (a start it
   * resumes, a stop; docs/reliability.md), so one answer after that instant to an operation that
   * was its Trace's last one then and had been answered before counts as answered again by design.
   */
  OperationFigures figures(Instant agentRestartedAt) {
    Map<String, List<Instant>> answers = answers();
    // Each Trace's last operation when the agent restarted, as it read the control topic: one
    // published while it was down is answered once, by the restarted agent.
    Map<String, Published> lastBeforeRestart = new LinkedHashMap<>();
    published.stream()
        .filter(op -> agentRestartedAt != null && op.at().isBefore(agentRestartedAt))
        .forEach(op -> lastBeforeRestart.put(op.traceUid(), op));
    int lost = 0;
    int twice = 0;
    int again = 0;
    for (Published op : published) {
      List<Instant> times = answers.get(op.operationId());
      if (times.isEmpty()) {
        lost++;
        continue;
      }
      boolean repeatByDesign =
          op.equals(lastBeforeRestart.get(op.traceUid()))
              && times.stream().anyMatch(time -> time.isBefore(agentRestartedAt))
              && times.stream().anyMatch(time -> !time.isBefore(agentRestartedAt));
      again += repeatByDesign ? 1 : 0;
      twice += times.size() - 1 - (repeatByDesign ? 1 : 0);
    }
    return new OperationFigures(published.size(), lost, twice, again);
  }

  /** The times of the node's answers to each operation published, by operation id. */
  private Map<String, List<Instant>> answers() {
    Map<String, List<Instant>> answers = new LinkedHashMap<>();
    published.forEach(op -> answers.put(op.operationId(), new ArrayList<>()));
    for (ConsumerRecord<String, byte[]> record :
        FaultSteps.readAll(bootstrap, statusTopic, Duration.ofSeconds(30))) {
      if (record.value() == null || !traces.containsKey(record.key())) {
        continue;
      }
      NodeReport report = Json.decode(record.value(), NodeReport.class);
      if (!report.countersUpdate()) {
        List<Instant> times = answers.get(report.operationId());
        if (times != null) {
          times.add(report.time());
        }
      }
    }
    return answers;
  }

  @Override
  public void close() {
    sender.shutdownNow();
    producer.close(Duration.ofSeconds(10));
  }
}
