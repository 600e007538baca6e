package io.gadgetflow.bench.web;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.bench.shared.LocalKafkaAndKube;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.web.WebConfig;
import io.gadgetflow.web.WebVerticle;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end latency of the live view: from an event's timestamp (nanoseconds since the epoch, as
 * node agents write it) to the moment a websocket client of the web UI has the frame that carries
 * it. Everything but the API server runs in this JVM: the Kafka broker, the web UI, the producer
 * and the clients.
 *
 * <p>Synthetic steps: events shaped like the exec gadget's, stamped with the current time just
 * before they are handed to a producer with the node agent's settings (EventSink.producerConfig:
 * acks=all, idempotent, linger 20 ms since issue 18, 5 ms before, 256 KiB batches, lz4), at a fixed
 * rate. Real exec cannot be made at 10,000 per second on two cores.
 *
 * <p>Exec step: the real controller and node agent trace exec while a shell loop runs /bin/true as
 * fast as it can; the timestamp is the kernel's (bpf_ktime_get_boot_ns turned into epoch time).
 */
public final class WebLatencyBench {
  static final String NAMESPACE = Trace.DEFAULT_NAMESPACE;
  static final int WARM_UP_SECONDS = 5;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<Integer> rates =
        args.length > 1
            ? Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList()
            : List.of(1000, 10000);
    int clientCount = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    String node = InetAddress.getLocalHost().getHostName();
    run(seconds, rates, clientCount, node);
  }

  static void run(int seconds, List<Integer> rates, int clientCount, String node) throws Exception {
    try (LocalKafkaAndKube platform = LocalKafkaAndKube.start();
        KafkaProducer<String, String> producer =
            nodeLikeProducer(platform.bootstrapServers(), node)) {
      KubernetesClient client = platform.client();
      Vertx vertx = Vertx.vertx();
      WebConfig config =
          WebConfig.fromEnvironment(Map.of("GADGETFLOW_WEB_PORT", "0"))
              .withKafka(platform.bootstrapServers(), KafkaSecurity.PLAINTEXT)
              .forLocalPlatform(node);
      WebVerticle web = new WebVerticle(config, client, Clock.systemUTC());
      await(vertx.deployVerticle(web));
      String base = "ws://127.0.0.1:" + web.port();
      String token = web.dashboardUrl().substring(web.dashboardUrl().indexOf("#token=") + 7);

      System.out.printf(
          "%-34s %9s %9s %8s %8s %8s %8s %8s %7s%n",
          "step", "sent", "received", "dropped", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "cpu %");
      Trace synthetic = create(client, "synthetic", node, false);
      String uid = synthetic.getMetadata().getUid();
      String path = "/api/v1/namespaces/" + NAMESPACE + "/traces/synthetic/events?replay=0";
      Step warmUp = new Step("warm-up", base + path, token, clientCount);
      warmUp.produce(producer, uid, node, rates.getLast(), WARM_UP_SECONDS);
      warmUp.finish();
      for (int rate : rates) {
        Step step = new Step("synthetic " + rate + "/s", base + path, token, clientCount);
        step.produce(producer, uid, node, rate, seconds);
        step.finish().print();
      }

      Path nodeKeys = Files.createTempDirectory("bench-node-keys");
      ControllerConfig controller =
          ControllerConfig.fromEnvironment(Map.of(), "bench-controller")
              .withKafka(platform.bootstrapServers(), KafkaSecurity.PLAINTEXT)
              .withNodeTrust(NodeTrust.directory(nodeKeys));
      await(vertx.deployVerticle(new ControllerVerticle(controller, client, Clock.systemUTC())));
      await(
          vertx.deployVerticle(
              new NodeVerticle(
                  NodeConfig.defaults(node, platform.bootstrapServers()).withKeyDirectory(nodeKeys),
                  Clock.systemUTC())));
      create(client, "exec", node, true);
      client
          .resources(Trace.class)
          .inNamespace(NAMESPACE)
          .withName("exec")
          .waitUntilCondition(
              t ->
                  t != null
                      && t.getStatus() != null
                      && t.getStatus().getState() == TraceState.STARTED,
              60,
              TimeUnit.SECONDS);
      String execPath = "/api/v1/namespaces/" + NAMESPACE + "/traces/exec/events?replay=0";
      Step exec = new Step("exec, a shell loop of /bin/true", base + execPath, token, clientCount);
      exec.runExecLoop(seconds);
      exec.finish().print();
      await(vertx.close());
    }
  }

  /** A producer with the node agent's settings, under a client id of its own. */
  static KafkaProducer<String, String> nodeLikeProducer(String bootstrapServers, String node) {
    Properties settings =
        EventSink.producerConfig(NodeConfig.defaults(node, bootstrapServers).kafka(), node);
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-web-synthetic");
    return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
  }

  static Trace create(KubernetesClient client, String name, String node, boolean start) {
    Trace trace = new Trace();
    ObjectMetaBuilder metadata = new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE);
    if (start) {
      metadata.withAnnotations(Map.of(Trace.OPERATION_ANNOTATION, "start"));
    }
    trace.setMetadata(metadata.build());
    TraceSpec spec = trace.getSpec();
    spec.setNode(node);
    spec.setGadget("execsnoop");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STREAM);
    return client.resource(trace).create();
  }

  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** One measured step: its clients, what was sent, and the process CPU it cost. */
  static final class Step {
    final String name;
    final List<LatencyClient> clients = new ArrayList<>();
    final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long sent;
    long cpuStart;
    long wallStart;
    long cpuNanos;
    long wallNanos;

    Step(String name, String url, String token, int clientCount) {
      this.name = name;
      for (int i = 0; i < clientCount; i++) {
        clients.add(LatencyClient.connect(url, token));
      }
      cpuStart = os.getProcessCpuTime();
      wallStart = System.nanoTime();
    }

    void produce(KafkaProducer<String, String> producer, String uid, String node, int rate, int s) {
      long count = (long) rate * s;
      long start = System.nanoTime();
      for (long i = 0; i < count; i++) {
        long due = start + i * 1_000_000_000L / rate;
        long early = due - System.nanoTime();
        if (early > 0) {
          LockSupport.parkNanos(early);
        }
        producer.send(new ProducerRecord<>("gadget.events", uid, event(i, node)));
      }
      producer.flush();
      sent = count;
    }

    void runExecLoop(int s) throws Exception {
      Process loop = new ProcessBuilder("/bin/sh", "-c", "while :; do /bin/true; done").start();
      TimeUnit.SECONDS.sleep(s);
      loop.destroy();
      loop.waitFor(10, TimeUnit.SECONDS);
      sent = -1;
    }

    Step finish() throws Exception {
      // Whatever is still on its way arrives within this; the step's figures are then complete.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> c.received() < sent)) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      cpuNanos = os.getProcessCpuTime() - cpuStart;
      wallNanos = System.nanoTime() - wallStart;
      clients.forEach(LatencyClient::close);
      return this;
    }

    void print() {
      long[] latencies =
          clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).sorted().toArray();
      long received = clients.stream().mapToLong(LatencyClient::received).sum();
      long dropped = clients.stream().mapToLong(LatencyClient::dropped).sum();
      System.out.printf(
          "%-34s %9s %9d %8d %8.1f %8.1f %8.1f %8.1f %7.0f%n",
          name,
          sent < 0 ? "-" : String.valueOf(sent * clients.size()),
          received,
          dropped,
          millis(latencies, 0.50),
          millis(latencies, 0.99),
          millis(latencies, 0.999),
          millis(latencies, 1.0),
          100.0 * cpuNanos / wallNanos);
    }

    static double millis(long[] sorted, double quantile) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }

    static String event(long sequence, String node) {
      return "{\"timestamp\":"
          + epochNanos()
          + ",\"type\":\"normal\",\"mountnsid\":4026531841,\"pid\":"
          + (100_000 + sequence % 100_000)
          + ",\"uid\":0,\"comm\":\"bench\",\"ppid\":1,\"ret\":0,"
          + "\"args\":[\"/usr/bin/bench\",\"--sequence\",\""
          + sequence
          + "\"],\"node\":\""
          + node
          + "\"}";
    }
  }

  /**
   * A websocket client that notes, for every event, the time from its timestamp to the frame's
   * arrival. It reads timestamps without parsing frames, so that it keeps up.
   */
  static final class LatencyClient implements WebSocket.Listener {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TIMESTAMP = "\"timestamp\":";

    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong dropped = new AtomicLong();
    private long[] latencies = new long[1 << 16];
    private int count;
    private WebSocket socket;

    static LatencyClient connect(String url, String token) {
      LatencyClient client = new LatencyClient();
      client.socket =
          HTTP.newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .subprotocols("gadgetflow.events.v1")
              .buildAsync(URI.create(url), client)
              .join();
      return client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long arrived = epochNanos();
      partial.append(data);
      if (last) {
        record(partial, arrived);
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    private synchronized void record(CharSequence frame, long arrived) {
      String text = frame.toString();
      if (text.startsWith("{\"kind\":\"dropped\"")) {
        int at = text.indexOf("\"count\":") + 8;
        dropped.addAndGet(Long.parseLong(text.substring(at, text.indexOf(',', at))));
        return;
      }
      for (int at = text.indexOf(TIMESTAMP); at >= 0; at = text.indexOf(TIMESTAMP, at)) {
        at += TIMESTAMP.length();
        int end = at;
        while (Character.isDigit(text.charAt(end))) {
          end++;
        }
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = arrived - Long.parseLong(text, at, end, 10);
      }
    }

    synchronized long received() {
      return count;
    }

    synchronized long[] latencies() {
      return Arrays.copyOf(latencies, count);
    }

    long dropped() {
      return dropped.get();
    }

    void close() {
      socket.abort();
    }
  }

  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
