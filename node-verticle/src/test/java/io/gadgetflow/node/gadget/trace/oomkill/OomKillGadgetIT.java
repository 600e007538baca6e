package io.gadgetflow.node.gadget.trace.oomkill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import io.gadgetflow.testing.MemoryCgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A memory cgroup (v1, as this machine mounts it) limited to 64 MiB: a victim dd holds a 40 MiB
 * buffer (it filled it from /dev/zero and blocks writing it into a pipe nobody reads), in a mount
 * namespace of its own; then a second dd, in this JVM's mount namespace, asks for 32 MiB, and the
 * kernel's out-of-memory killer kills the bigger one, the victim.
 */
class OomKillGadgetIT {
  private static final long LIMIT_BYTES = 64L << 20;
  private static final long VICTIM_BYTES = 40L << 20;
  private static final long PAGE_BYTES = 4096;

  @Test
  void reportsTheKilledProcessAndTheOneWhoseAllocationTriggeredIt() throws Exception {
    try (MemoryCgroup cgroup = MemoryCgroup.create(LIMIT_BYTES)) {
      cgroup.start(
          "exec unshare --mount sh -c 'dd if=/dev/zero bs=40M count=1 status=none | sleep 600'");
      long victim = awaitVictim(cgroup.directory());
      long victimMountNamespace = mountNamespace(victim);
      assertThat(victimMountNamespace).isNotEqualTo(TestProcesses.currentMountNamespace());

      try (RunningGadget unfiltered =
              RunningGadget.start(OomKillGadget.PROGRAM, GadgetOptions.unfiltered());
          RunningGadget victimsContainer =
              RunningGadget.start(
                  OomKillGadget.PROGRAM, GadgetOptions.filtered(Set.of(victimMountNamespace)));
          RunningGadget triggersContainer =
              RunningGadget.start(
                  OomKillGadget.PROGRAM,
                  GadgetOptions.filtered(Set.of(TestProcesses.currentMountNamespace())))) {
        EventCollector all = EventCollector.start(unfiltered, "oomkill-it-all");
        EventCollector ofVictim = EventCollector.start(victimsContainer, "oomkill-it-victim");
        Process trigger =
            cgroup.start("exec dd if=/dev/zero of=/dev/null bs=32M count=1 status=none");
        assertThat(trigger.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(trigger.exitValue()).as("the trigger survives: the victim was bigger").isZero();

        JsonNode kill = all.await(event -> event.get("kpid").asLong() == victim, 1).getFirst();
        assertThat(kill.get("kcomm").asText()).isEqualTo("dd");
        assertThat(kill.get("kuid").asLong()).isEqualTo(TestProcesses.currentUid());
        assertThat(kill.get("tpid").asLong()).isEqualTo(trigger.pid());
        assertThat(kill.get("tcomm").asText()).isEqualTo("dd");
        assertThat(kill.get("pages").asLong()).isGreaterThanOrEqualTo(VICTIM_BYTES / PAGE_BYTES);
        assertThat(kill.get("pages").asLong()).isLessThan(LIMIT_BYTES / PAGE_BYTES);
        assertThat(kill.get("mountnsid").asLong()).isEqualTo(victimMountNamespace);

        // The event belongs to the victim's container, not to the trigger's.
        ofVictim.await(event -> event.get("kpid").asLong() == victim, 1);
        assertThat(triggersContainer.events().producerPosition()).isZero();
      }
    }
  }

  /** The victim dd, once its buffer is full: the cgroup's usage has reached the buffer's size. */
  private static long awaitVictim(Path cgroup) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      long usage =
          Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).strip());
      if (usage >= VICTIM_BYTES) {
        List<Long> dds =
            Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
                .map(Long::parseLong)
                .filter(pid -> "dd".equals(comm(pid)))
                .toList();
        if (dds.size() == 1) {
          return dds.getFirst();
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the victim did not fill its buffer within 30 s");
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException exited) {
      return "";
    }
  }

  private static long mountNamespace(long pid) throws IOException {
    String link =
        Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")).toString();
    return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
  }
}
