package io.gadgetflow.node.gadget.trace.open;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.Perl;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenGadgetIT {
  private static final int ENOENT = 2;

  @TempDir Path directory;

  @Test
  void reportsOpensWithTheirPathAndResult() throws Exception {
    Path file = Files.writeString(directory.resolve("gadgetflow-open-it.txt"), "x");
    Path missing = directory.resolve("gadgetflow-open-it-missing.txt");
    try (RunningGadget gadget =
        RunningGadget.start(OpenGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "open-it-reader");
      try (InputStream in = Files.newInputStream(file)) {
        assertThat(in.read()).isEqualTo('x');
      }
      assertThatThrownBy(() -> Files.newInputStream(missing))
          .isInstanceOf(NoSuchFileException.class);

      JsonNode opened = collector.await(event -> hasPath(event, file), 1).getFirst();
      JsonNode failed = collector.await(event -> hasPath(event, missing), 1).getFirst();

      assertThat(opened.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(opened.get("uid").asLong()).isEqualTo(TestProcesses.currentUid());
      assertThat(opened.get("comm").asText()).isNotBlank();
      assertThat(opened.get("fd").asInt()).isNotNegative();
      assertThat(opened.get("ret").asInt()).isEqualTo(opened.get("fd").asInt());
      assertThat(opened.get("err").asInt()).isZero();

      assertThat(failed.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(failed.get("fd").asInt()).isEqualTo(-1);
      assertThat(failed.get("ret").asInt()).isEqualTo(-ENOENT);
      assertThat(failed.get("err").asInt()).isEqualTo(ENOENT);
    }
  }

  /** openat2(AT_FDCWD, path, &(struct open_how){}, sizeof how): glibc has no wrapper for it. */
  private static final String OPENAT2 =
      "my $how = pack('QQQ', 0, 0, 0);"
          + " my $fd = syscall(437, -100, $ARGV[0], $how, length $how);"
          + " exit($fd >= 0 ? 0 : $! == 2 ? 2 : 1);";

  @Test
  void reportsOpenat2LikeOpenat() throws Exception {
    Path file = Files.writeString(directory.resolve("gadgetflow-openat2-it.txt"), "x");
    Path missing = directory.resolve("gadgetflow-openat2-it-missing.txt");
    try (RunningGadget gadget =
        RunningGadget.start(OpenGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "openat2-it-reader");
      Perl.Run opened = Perl.run(OPENAT2, file);
      Perl.Run failed = Perl.run(OPENAT2, missing);
      assertThat(opened.exitStatus()).isZero();
      assertThat(failed.exitStatus()).isEqualTo(ENOENT);

      JsonNode openedEvent = collector.await(event -> hasPath(event, file), 1).getFirst();
      JsonNode failedEvent = collector.await(event -> hasPath(event, missing), 1).getFirst();

      assertThat(openedEvent.get("pid").asLong()).isEqualTo(opened.pid());
      assertThat(openedEvent.get("fd").asInt()).isNotNegative();
      assertThat(openedEvent.get("err").asInt()).isZero();
      assertThat(failedEvent.get("pid").asLong()).isEqualTo(failed.pid());
      assertThat(failedEvent.get("ret").asInt()).isEqualTo(-ENOENT);
    }
  }

  private static boolean hasPath(JsonNode event, Path path) {
    return path.toString().equals(event.get("path").asText());
  }
}
