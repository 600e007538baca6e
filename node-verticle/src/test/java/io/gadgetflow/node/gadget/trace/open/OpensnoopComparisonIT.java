package io.gadgetflow.node.gadget.trace.open;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.ReferenceTool;
import io.gadgetflow.node.gadget.RunningGadget;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opensnoop against libbpf-tools' opensnoop (/usr/sbin/opensnoop, also on the open and openat
 * tracepoints), both tracing this JVM while it opens files and fails to open a missing one: the
 * same opens, with the same pid, uid, comm, descriptor and error.
 */
class OpensnoopComparisonIT {
  /** One line of {@code opensnoop -U -p PID}: UID PID COMM FD ERR PATH. */
  private static final Pattern OPEN =
      Pattern.compile(
          "(?<uid>\\d+)\\s+(?<pid>\\d+)\\s+(?<comm>.+?)\\s+(?<fd>-?\\d+)\\s+(?<err>\\d+)\\s+"
              + "(?<path>/.*)");

  @TempDir Path directory;

  @Test
  void seesTheSameOpensAsLibbpfToolsOpensnoop() throws Exception {
    long pid = ProcessHandle.current().pid();
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      paths.add(Files.writeString(directory.resolve("opened-" + i), "x"));
    }
    paths.add(directory.resolve("missing"));
    try (RunningGadget gadget =
            RunningGadget.start(OpenGadget.PROGRAM, GadgetOptions.unfiltered());
        ReferenceTool reference =
            ReferenceTool.start(
                "opensnoop", line -> line.contains("PATH"), "-U", "-p", Long.toString(pid))) {
      EventCollector collector = EventCollector.start(gadget, "open-comparison-reader");
      for (Path file : paths.subList(0, 3)) {
        try (InputStream in = Files.newInputStream(file)) {
          assertThat(in.read()).isEqualTo('x');
        }
      }
      assertThatThrownBy(() -> Files.newInputStream(paths.getLast()))
          .isInstanceOf(NoSuchFileException.class);

      for (Path path : paths) {
        JsonNode event =
            collector
                .await(e -> e.get("pid").asLong() == pid && isOf(e.get("path").asText(), path), 1)
                .getFirst();
        Matcher line = OPEN.matcher(reference.await(l -> l.endsWith(" " + path), 1).getFirst());

        assertThat(line.matches()).as(line.toString()).isTrue();
        assertThat(Long.parseLong(line.group("pid"))).isEqualTo(pid);
        assertThat(Long.parseLong(line.group("uid"))).isEqualTo(event.get("uid").asLong());
        assertThat(line.group("comm")).isEqualTo(event.get("comm").asText());
        assertThat(Integer.parseInt(line.group("fd"))).isEqualTo(event.get("fd").asInt());
        assertThat(Integer.parseInt(line.group("err"))).isEqualTo(event.get("err").asInt());
      }
      assertThat(collector.matching(e -> isOf(e.get("path").asText(), paths.getLast())))
          .singleElement()
          .satisfies(failed -> assertThat(failed.get("err").asInt()).isEqualTo(2));
    }
  }

  private static boolean isOf(String printed, Path path) {
    return printed.equals(path.toString());
  }
}
