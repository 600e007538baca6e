package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl gadget top file}: a table per interval until --timeout, as Inspektor Gadget's
 * prints it: redrawn in place on a terminal, one table after the other otherwise. A dd of known
 * writes shows up in it with exactly those writes. {@code top block-io} likewise, with a dd of
 * known direct writes, each one request to the disk.
 */
@WithKafka
@WithKubernetes
class TopFileIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int WRITES = 7;
  private static final int BLOCK = 1 << 20;
  private static final int DIRECT_WRITES = 64;
  private static final String HEADER =
      "NODE +NAMESPACE +POD +CONTAINER +PID +TID +COMM +READS +WRITES +RBYTES +WBYTES +FILE_TYPE"
          + " +FILENAME";

  static GadgetFlowRoles roles;

  @TempDir Path directory;

  @BeforeAll
  static void startControllerAndNodeAgent(KubernetesCluster cluster, KafkaBroker kafka) {
    roles = GadgetFlowRoles.start(cluster, kafka);
  }

  @AfterAll
  static void stopControllerAndNodeAgent() {
    if (roles != null) {
      roles.close();
    }
  }

  @Test
  void withoutATerminalPrintsOneTableAfterTheOtherWithTheWritesOfAKnownProcess(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    PluginProcess plugin = PluginProcess.start(roles.environment(), arguments(cluster, kafka));
    try {
      assertThat(plugin.nextLine(TIMEOUT)).as(plugin.stderr()).isEmpty();
      assertThat(plugin.nextLine(TIMEOUT)).as(plugin.stderr()).matches(HEADER);
      String file = "top-file-" + UUID.randomUUID() + ".bin";
      long pid = writeKnownFile(file);

      List<String> tables = new ArrayList<>();
      long[] writes = awaitWrites(plugin, file, pid, tables);

      assertThat(writes).containsExactly(WRITES, (long) WRITES * BLOCK);
      // Each report is a table: an empty line, the header, its rows.
      assertThat(tables).contains("").anyMatch(line -> line.matches(HEADER));
      assertThat(String.join("\n", tables)).doesNotContain(TopTablePrinter.CLEAR_SCREEN);
      assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();
      assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
    } finally {
      plugin.kill();
    }
  }

  @Test
  void onATerminalRedrawsTheTableInPlace(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    PluginProcess plugin =
        PluginProcess.startOnTerminal(roles.environment(), arguments(cluster, kafka));
    try {
      String first = plugin.nextLine(TIMEOUT);
      assertThat(first).as(plugin.stderr()).isNotNull();
      assertThat(terminalText(first)).startsWith(TopTablePrinter.CLEAR_SCREEN);
      assertThat(terminalText(first).substring(TopTablePrinter.CLEAR_SCREEN.length()))
          .matches(HEADER);
      String file = "top-file-" + UUID.randomUUID() + ".bin";
      long pid = writeKnownFile(file);

      List<String> screen = new ArrayList<>();
      long[] writes = awaitWrites(plugin, file, pid, screen);

      assertThat(writes).containsExactly(WRITES, (long) WRITES * BLOCK);
      long redraws =
          screen.stream()
              .filter(line -> line.startsWith(TopTablePrinter.CLEAR_SCREEN))
              .filter(line -> line.substring(TopTablePrinter.CLEAR_SCREEN.length()).matches(HEADER))
              .count();
      assertThat(redraws).isPositive();
      assertThat(screen).doesNotContain("");
      assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();
      assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).isEmpty();
    } finally {
      plugin.kill();
    }
  }

  @Test
  void topBlockIoPrintsTheRequestsOfAKnownProcess(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    PluginProcess plugin =
        startTopTable(roles, cluster, kafka, "block-io", "pid,comm,write,bytes,io");
    try {
      // With O_DIRECT each 4 KiB block is one write request to this machine's disk.
      Process dd =
          new ProcessBuilder(
                  "dd",
                  "if=/dev/zero",
                  "of=" + directory.resolve("top-block-io-" + UUID.randomUUID() + ".bin"),
                  "bs=4096",
                  "count=" + DIRECT_WRITES,
                  "oflag=direct",
                  "status=none")
              .inheritIO()
              .start();
      assertThat(dd.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(dd.exitValue()).isZero();

      // The requests may fall in two intervals: the rows of dd add up to them.
      Pattern row = Pattern.compile(dd.pid() + " +dd +true +(\\d+) +(\\d+)");
      long bytes = 0;
      long requests = 0;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (requests < DIRECT_WRITES && System.nanoTime() < deadline) {
        Matcher matcher = row.matcher(Objects.requireNonNullElse(plugin.nextLine(TIMEOUT), ""));
        if (matcher.matches()) {
          bytes += Long.parseLong(matcher.group(1));
          requests += Long.parseLong(matcher.group(2));
        }
      }
      assertThat(requests).as(plugin.stderr()).isEqualTo(DIRECT_WRITES);
      assertThat(bytes).isEqualTo(DIRECT_WRITES * 4096L);
      plugin.interrupt();
      assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
      assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
    } finally {
      plugin.kill();
    }
  }

  /**
   * Runs {@code kubectl gadget top <command> 1} on the node of {@code roles} with up to 500 rows of
   * these columns, and reads the first table's header, which comes after an empty line (without a
   * terminal, each table does) once the node runs the gadget.
   */
  static PluginProcess startTopTable(
      GadgetFlowRoles roles,
      KubernetesCluster cluster,
      KafkaBroker kafka,
      String command,
      String columns)
      throws InterruptedException {
    PluginProcess plugin =
        PluginProcess.start(
            roles.environment(),
            "top",
            command,
            "1",
            "-A",
            "--max-rows",
            "500",
            "--node",
            roles.node(),
            "-o",
            "custom-columns=" + columns,
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "--kafka-bootstrap",
            kafka.bootstrapServers());
    try {
      assertThat(plugin.nextLine(TIMEOUT)).as(plugin.stderr()).isEmpty();
      assertThat(plugin.nextLine(TIMEOUT))
          .as(plugin.stderr())
          .matches(String.join(" +", columns.toUpperCase(Locale.ROOT).split(",")));
      return plugin;
    } catch (AssertionError | InterruptedException e) {
      plugin.kill();
      throw e;
    }
  }

  /** Sorted by bytes written, so that the known file is among the rows on a busy machine. */
  private static String[] arguments(KubernetesCluster cluster, KafkaBroker kafka) {
    return new String[] {
      "top",
      "file",
      "1",
      "-A",
      "--sort",
      "-wbytes",
      "--max-rows",
      "500",
      "--node",
      roles.node(),
      "--timeout",
      "15",
      "--kubeconfig",
      cluster.kubeconfig().toString(),
      "--kafka-bootstrap",
      kafka.bootstrapServers()
    };
  }

  private long writeKnownFile(String file) throws Exception {
    Process dd =
        new ProcessBuilder(
                "dd",
                "if=/dev/zero",
                "of=" + directory.resolve(file),
                "bs=" + BLOCK,
                "count=" + WRITES,
                "status=none")
            .inheritIO()
            .start();
    assertThat(dd.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(dd.exitValue()).isZero();
    return dd.pid();
  }

  /**
   * Reads lines until the rows of {@code file} add up to what dd wrote (its writes may fall in two
   * intervals); keeps every line read in {@code lines}.
   *
   * @return the writes and the bytes written that the rows of the file add up to
   */
  private static long[] awaitWrites(PluginProcess plugin, String file, long pid, List<String> lines)
      throws InterruptedException {
    // The host's namespace, pod and container are empty: the row is node, pid, tid, comm, reads,
    // writes, rbytes, wbytes, file_type, filename.
    Pattern row =
        Pattern.compile(
            Pattern.quote(roles.node())
                + " +(\\d+) +(\\d+) +dd +(\\d+) +(\\d+) +(\\d+) +(\\d+) +R +"
                + Pattern.quote(file));
    long writes = 0;
    long bytes = 0;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (bytes < (long) WRITES * BLOCK && System.nanoTime() < deadline) {
      String line = plugin.nextLine(Duration.ofSeconds(1));
      if (line == null) {
        continue;
      }
      String text = terminalText(line);
      lines.add(text);
      Matcher matcher = row.matcher(text);
      if (matcher.matches()) {
        assertThat(Long.parseLong(matcher.group(1))).isEqualTo(pid);
        assertThat(Long.parseLong(matcher.group(2))).isEqualTo(pid);
        writes += Long.parseLong(matcher.group(4));
        bytes += Long.parseLong(matcher.group(6));
      }
    }
    return new long[] {writes, bytes};
  }

  /** A line as the terminal got it, without the carriage return the terminal adds. */
  private static String terminalText(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
