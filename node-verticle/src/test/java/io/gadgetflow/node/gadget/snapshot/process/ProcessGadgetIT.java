package io.gadgetflow.node.gadget.snapshot.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessGadgetIT {
  private static final long PID = ProcessHandle.current().pid();

  @Test
  void listsEveryProcessOnceWithItsParentAndCredentials() throws Exception {
    Process child = new ProcessBuilder("sleep", "60").start();
    try {
      List<ProcessEntry> processes = collect(GadgetOptions.unfiltered(), false);

      assertThat(processes).filteredOn(p -> p.pid() == PID).singleElement();
      ProcessEntry sleeper =
          processes.stream().filter(p -> p.pid() == child.pid()).findFirst().orElseThrow();
      assertThat(sleeper.ppid()).isEqualTo(PID);
      assertThat(sleeper.tid()).isEqualTo(child.pid());
      assertThat(sleeper.uid()).isEqualTo(TestProcesses.currentUid());
      assertThat(sleeper.mountnsid()).isEqualTo(TestProcesses.currentMountNamespace());
      assertThat(processes).allSatisfy(p -> assertThat(p.tid()).isEqualTo(p.pid()));
    } finally {
      child.destroy();
    }
  }

  @Test
  void showThreadsListsEveryThreadOfThisJvm() throws Exception {
    long threads =
        collect(GadgetOptions.unfiltered(), true).stream().filter(p -> p.pid() == PID).count();

    // A JVM has a main thread, GC and compiler threads at the least.
    assertThat(threads).isGreaterThan(3);
  }

  @Test
  void listsOnlyProcessesOfTheSelectedMountNamespaces() throws Exception {
    long ours = TestProcesses.currentMountNamespace();

    assertThat(collect(GadgetOptions.filtered(Set.of(ours)), false))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.mountnsid()).isEqualTo(ours))
        .anySatisfy(p -> assertThat(p.pid()).isEqualTo(PID));
    assertThat(collect(GadgetOptions.filtered(Set.of()), false)).isEmpty();
  }

  private static List<ProcessEntry> collect(GadgetOptions options, boolean showThreads) {
    try (RunningGadget gadget =
        RunningGadget.start(
            ProcessGadget.PROGRAM,
            options,
            new GadgetParameters(
                GadgetCatalog.PROCESS_COLLECTOR,
                Map.of("show-threads", Boolean.toString(showThreads))))) {
      return ProcessGadget.processes(gadget);
    }
  }
}
