package io.gadgetflow.node.gadget.trace.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.bpf.NativeThreads;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.MountNamespaceFilter;
import io.gadgetflow.node.gadget.Perl;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecGadgetIT {
  private static final int RUNS = 5;

  @Test
  void reportsEachExecWithItsProcessAndArguments() throws Exception {
    String marker = "gadgetflow-exec-" + UUID.randomUUID();
    String threadName = "exec-it-reader";
    List<Long> pids = new ArrayList<>();
    EventCollector collector;
    try (RunningGadget gadget =
        RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.unfiltered())) {
      collector = EventCollector.start(gadget, threadName);
      for (int i = 0; i < RUNS; i++) {
        pids.add(TestProcesses.run("/bin/true", marker, "second argument"));
      }
      // Execs are reported in the order they finish: once this one is in, all before it are.
      TestProcesses.run("/bin/true", marker + "-last");
      collector.await(event -> argument(event, 1).equals(marker + "-last"), 1);

      List<JsonNode> events = collector.matching(event -> argument(event, 1).equals(marker));
      assertThat(events).hasSize(RUNS);
      assertThat(events)
          .extracting(event -> event.get("pid").asLong())
          .containsExactlyElementsOf(pids);
      for (JsonNode event : events) {
        assertThat(event.get("ppid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(event.get("comm").asText()).isEqualTo("true");
        assertThat(event.get("ret").asInt()).isZero();
        assertThat(event.get("uid").asLong()).isEqualTo(TestProcesses.currentUid());
        assertThat(event.get("mountnsid").asLong())
            .isEqualTo(TestProcesses.currentMountNamespace());
        assertThat(event.get("type").asText()).isEqualTo("normal");
        assertThat(arguments(event)).containsExactly("/bin/true", marker, "second argument");
        assertThat(event.get("timestamp").asLong())
            .isBetween(
                (System.currentTimeMillis() - 60_000) * 1_000_000,
                (System.currentTimeMillis() + 60_000) * 1_000_000);
      }
      assertThat(gadget.lostEvents()).isZero();
    }
    assertThat(collector.awaitStopped()).isTrue();
    assertThat(NativeThreads.exists(threadName)).isFalse();
  }

  /**
   * execveat(AT_FDCWD, "/bin/true", argv, envp, 0): glibc calls it only for fexecve, with an empty
   * path. Its number differs between architectures.
   */
  private static final String EXECVEAT =
      "my ($file, $marker) = ('/bin/true', $ARGV[0]);"
          + " my $argv = pack('ppp', $file, $marker, undef); my $envp = pack('p', undef);"
          + " syscall($ARGV[1], -100, $file, $argv, $envp, 0); exit 3;";

  @Test
  void reportsExecveatLikeExecve() throws Exception {
    String marker = "gadgetflow-execveat-" + UUID.randomUUID();
    int execveat = System.getProperty("os.arch").equals("aarch64") ? 281 : 322;
    try (RunningGadget gadget =
        RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "execveat-reader");
      Perl.Run run = Perl.run(EXECVEAT, marker, execveat);
      assertThat(run.exitStatus()).isZero();

      JsonNode event = collector.await(e -> argument(e, 1).equals(marker), 1).getFirst();

      assertThat(event.get("pid").asLong()).isEqualTo(run.pid());
      assertThat(event.get("comm").asText()).isEqualTo("true");
      assertThat(event.get("ret").asInt()).isZero();
      assertThat(arguments(event)).containsExactly("/bin/true", marker);
    }
  }

  @Test
  void reportsFailedExecsWithTheirError() throws Exception {
    String missing = "/nonexistent/gadgetflow-" + UUID.randomUUID();
    try (RunningGadget gadget =
        RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "exec-fail-reader");
      assertThatThrownBy(() -> new ProcessBuilder(missing, "arg").start())
          .isInstanceOf(IOException.class);

      JsonNode event = collector.await(e -> argument(e, 0).equals(missing), 1).getFirst();

      assertThat(event.get("ret").asInt()).isEqualTo(-2);
      assertThat(arguments(event)).containsExactly(missing, "arg");
      assertThat(event.get("ppid").asLong()).isEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void aMountNamespaceFilterDropsOtherNamespacesInTheKernel() throws Exception {
    long ours = TestProcesses.currentMountNamespace();
    String marker = "gadgetflow-filter-" + UUID.randomUUID();
    try (RunningGadget gadget =
        RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.filtered(Set.of(ours + 1)))) {
      EventCollector collector = EventCollector.start(gadget, "exec-filter-reader");
      TestProcesses.run("/bin/true", marker, "while not selected");
      gadget.mountNamespaceFilter().select(ours);
      TestProcesses.run("/bin/true", marker, "once selected");
      collector.await(event -> argument(event, 2).equals("once selected"), 1);

      assertThat(collector.matching(event -> argument(event, 1).equals(marker)))
          .extracting(event -> argument(event, 2))
          .containsExactly("once selected");
    }
  }

  @Test
  void aMountNamespaceSelectedTwiceStaysSelectedUntilBothSelectionsAreWithdrawn() throws Exception {
    long ours = TestProcesses.currentMountNamespace();
    String marker = "gadgetflow-filter-twice-" + UUID.randomUUID();
    try (RunningGadget gadget =
        RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.filtered(Set.of()))) {
      EventCollector collector = EventCollector.start(gadget, "exec-filter-twice-reader");
      MountNamespaceFilter filter = gadget.mountNamespaceFilter();
      filter.select(ours);
      filter.select(ours);
      filter.deselect(ours);
      TestProcesses.run("/bin/true", marker, "one selection left");
      filter.deselect(ours);
      TestProcesses.run("/bin/true", marker, "none left");
      filter.select(ours);
      TestProcesses.run("/bin/true", marker, "selected again");
      collector.await(event -> argument(event, 2).equals("selected again"), 1);

      assertThat(collector.matching(event -> argument(event, 1).equals(marker)))
          .extracting(event -> argument(event, 2))
          .containsExactly("one selection left", "selected again");
    }
  }

  private static String argument(JsonNode event, int index) {
    JsonNode args = event.get("args");
    return args != null && args.size() > index ? args.get(index).asText() : "";
  }

  private static List<String> arguments(JsonNode event) {
    List<String> arguments = new ArrayList<>();
    event.get("args").forEach(argument -> arguments.add(argument.asText()));
    return arguments;
  }
}
