package io.gadgetflow.node.gadget.trace.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.ReferenceTool;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * execsnoop against libbpf-tools' execsnoop (/usr/sbin/execsnoop, also on the execve tracepoints),
 * both tracing the same execs, successful and failed: the same execs, with the same pid, ppid, uid,
 * comm, result and arguments.
 */
class ExecsnoopComparisonIT {
  /** One line of {@code execsnoop -T -U -x}: TIME UID PCOMM PID PPID RET ARGS. */
  private static final Pattern EXEC =
      Pattern.compile(
          "\\S+\\s+(?<uid>\\d+)\\s+(?<comm>\\S+)\\s+(?<pid>\\d+)\\s+(?<ppid>\\d+)\\s+"
              + "(?<ret>-?\\d+)\\s(?<args>.*)");

  @Test
  void seesTheSameExecsAsLibbpfToolsExecsnoop() throws Exception {
    String marker = "gadgetflow-exec-comparison-" + UUID.randomUUID();
    String missing = "/nonexistent/" + marker;
    try (RunningGadget gadget =
            RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.unfiltered());
        ReferenceTool reference =
            ReferenceTool.start("execsnoop", line -> line.contains("PCOMM"), "-T", "-U", "-x")) {
      EventCollector collector = EventCollector.start(gadget, "exec-comparison-reader");
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pids.add(TestProcesses.run("/bin/true", marker, "argument-" + i));
      }
      assertThatThrownBy(() -> new ProcessBuilder(missing, "argument").start())
          .isInstanceOf(IOException.class);
      int expected = 4;

      List<JsonNode> events = collector.await(event -> args(event).contains(marker), expected);
      List<String> lines = reference.await(line -> line.contains(marker), expected);

      assertThat(events).hasSize(expected);
      assertThat(lines).hasSize(expected);
      assertThat(events)
          .filteredOn(event -> event.get("ret").asInt() == 0)
          .extracting(event -> event.get("pid").asLong())
          .containsExactlyInAnyOrderElementsOf(pids);
      for (JsonNode event : events) {
        Matcher line =
            lines.stream()
                .map(EXEC::matcher)
                .filter(Matcher::matches)
                .filter(m -> Long.parseLong(m.group("pid")) == event.get("pid").asLong())
                .filter(m -> m.group("args").strip().equals(args(event)))
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("execsnoop printed " + lines + ", not " + event));
        assertThat(Long.parseLong(line.group("uid"))).isEqualTo(event.get("uid").asLong());
        assertThat(line.group("comm")).isEqualTo(event.get("comm").asText());
        assertThat(Long.parseLong(line.group("ppid"))).isEqualTo(event.get("ppid").asLong());
        assertThat(Integer.parseInt(line.group("ret"))).isEqualTo(event.get("ret").asInt());
      }
      assertThat(events).anySatisfy(event -> assertThat(event.get("ret").asInt()).isEqualTo(-2));
    }
  }

  /** The arguments as execsnoop prints them: joined by spaces. */
  private static String args(JsonNode event) {
    return String.join(
        " ",
        StreamSupport.stream(event.get("args").spliterator(), false)
            .map(JsonNode::asText)
            .toList());
  }
}
