package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node image's AOT cache, made as k8s/images/build.sh makes it (k8s/images/train-node.sh, with
 * this JVM's java and the packaged launcher), holds what a fresh agent would otherwise spend its
 * first minutes of events on: the event sender's methods, compiled by C2 in the training, with the
 * training's profiles, which an agent started with the cache and the image's options finds.
 */
class NodeTrainingIT {
  /** The image's options before -jar (k8s/images/build.sh): the cache fits only under them. */
  private static final List<String> LAUNCHER_OPTIONS =
      List.of(
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow",
          "-XX:MaxRAMPercentage=75");

  /**
   * A method's line in the cache's training data: its compile levels seen in the training (a bit
   * per level, C2's is 4) and its profile ({@code mdo=(nil)} when it has none).
   */
  private static final Pattern SEND_BATCH =
      Pattern.compile(
          " M io/gadgetflow/node/kafka/EventSink\\[L\\]\\.sendBatch\\(\\S* LM(\\d+) .* mdo=(\\S+)");

  @TempDir Path work;

  @Test
  void theCacheHoldsTheSendersC2ProfileFromTheTraining() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path cache = work.resolve("node.aot");
    List<String> train =
        new ArrayList<>(List.of("../k8s/images/train-node.sh", java, "target", cache.toString()));
    train.addAll(LAUNCHER_OPTIONS);
    assertThat(run(train, work.resolve("train.log"))).as("train-node.sh's exit").isZero();
    assertThat(Files.readString(work.resolve("train.log")))
        .containsPattern("node training: the agent sent [1-9][0-9,]* records of events");

    List<String> agent = new ArrayList<>(List.of(java));
    agent.addAll(LAUNCHER_OPTIONS);
    agent.addAll(
        List.of(
            "-XX:AOTCache=" + cache,
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:+AOTPrintTrainingInfo",
            "-jar",
            "target/gadgetflow.jar",
            "--help"));
    Path printed = work.resolve("training-data.txt");
    assertThat(run(agent, printed)).isZero();
    Matcher sendBatch = SEND_BATCH.matcher(Files.readString(printed));
    assertThat(sendBatch.find()).as("EventSink.sendBatch in the cache's training data").isTrue();
    assertThat(Integer.parseInt(sendBatch.group(1)) & (1 << 4)).as("compiled by C2").isNotZero();
    assertThat(sendBatch.group(2)).as("its profile").isNotEqualTo("(nil)");
  }

  private static int run(List<String> command, Path output) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    // The DaemonSet's collector, under which the script (reading 07-node.yaml) makes the cache.
    builder.environment().put("JDK_JAVA_OPTIONS", "-XX:+UseSerialGC");
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command.getFirst() + " took over 2 minutes; see " + output);
    }
    return process.exitValue();
  }
}
