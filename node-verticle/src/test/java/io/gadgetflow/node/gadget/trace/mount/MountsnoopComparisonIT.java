package io.gadgetflow.node.gadget.trace.mount;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.ReferenceTool;
import io.gadgetflow.node.gadget.RunningGadget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mountsnoop against libbpf-tools' mountsnoop (/usr/sbin/mountsnoop, also on the syscall
 * tracepoints), both tracing the same mounts and unmounts of this JVM's thread: the same calls,
 * with the same pid, tid, comm, mount namespace, result, source, target, type, options and flags.
 * libbpf-tools knows mount(2) and umount2(2) only (the mount API is MountGadgetIT's); it names
 * umount2's flags with mount's MS_* table and keeps 7 characters of the type.
 */
class MountsnoopComparisonIT {
  /** One line of {@code mountsnoop}'s default output: TIME COMM PID TID MNT_NS CALL. */
  private static final Pattern CALL =
      Pattern.compile(
          "\\S+\\s+(?<comm>\\S+)\\s+(?<pid>\\d+)\\s+(?<tid>\\d+)\\s+(?<mntns>\\d+)\\s+"
              + "(?:mount\\(\"(?<source>[^\"]*)\", \"(?<target>[^\"]*)\", \"(?<fs>[^\"]*)\", "
              + "(?<flags>[^,]*), \"(?<data>[^\"]*)\"\\)"
              + "|umount\\(\"(?<utarget>[^\"]*)\", (?<uflags>[^)]*)\\))"
              + " = (?<ret>-?\\d+|-E[A-Z]+)");

  /** The errors libbpf-tools prints by name, of those the workload meets. */
  private static final Map<String, Integer> ERRNO_NAMES =
      Map.of("-ENOENT", -2, "-EINVAL", -22, "-EBUSY", -16, "-EPERM", -1);

  @TempDir Path directory;

  @Test
  void seesTheSameMountsAndUnmountsAsLibbpfToolsMountsnoop() throws Exception {
    List<Path> targets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      targets.add(Files.createDirectory(directory.resolve("target-" + i)));
    }
    Path missing = directory.resolve("missing");
    String source = "gadgetflow-" + UUID.randomUUID();
    MountCalls calls = new MountCalls();
    try (RunningGadget gadget =
            RunningGadget.start(MountGadget.PROGRAM, GadgetOptions.unfiltered());
        ReferenceTool reference =
            ReferenceTool.start("mountsnoop", line -> line.startsWith("TIME"), "-t")) {
      EventCollector collector = EventCollector.start(gadget, "mount-comparison-reader");
      long tid = MountCalls.gettid();
      calls.mount(source, targets.get(0), "tmpfs", MountCalls.MS_NOSUID, "size=1m");
      calls.mount(source + "-2", targets.get(1), "tmpfs", MountCalls.MS_NODEV, "mode=700");
      calls.mount(source, missing, "tmpfs", 0, "size=2m");
      calls.mount(targets.get(0).toString(), targets.get(2), null, 0x1000 /* MS_BIND */, null);
      calls.umount2(targets.get(2), 0);
      calls.umount2(targets.get(1), MountCalls.MNT_DETACH);
      calls.umount2(targets.get(0), 0);
      calls.umount2(missing, 0);
      int expected = 8;

      List<JsonNode> events = collector.await(event -> event.get("tid").asLong() == tid, expected);
      List<String> lines =
          reference.await(
              line -> line.matches("\\S+\\s+\\S+\\s+\\d+\\s+" + tid + "\\s.*"), expected);

      assertThat(events).hasSize(expected);
      assertThat(lines).hasSize(expected);
      for (int i = 0; i < expected; i++) {
        Matcher line = CALL.matcher(lines.get(i));
        assertThat(line.matches()).as(lines.get(i)).isTrue();
        JsonNode event = events.get(i);
        assertThat(line.group("comm")).isEqualTo(event.get("comm").asText());
        assertThat(Long.parseLong(line.group("pid"))).isEqualTo(event.get("pid").asLong());
        assertThat(Long.parseLong(line.group("mntns"))).isEqualTo(event.get("mountnsid").asLong());
        assertThat(result(line.group("ret"))).isEqualTo(event.get("ret").asInt());
        assertThat(line.group("flags") != null ? "mount" : "umount")
            .isEqualTo(event.get("operation").asText());
        long flags = event.get("flagsRaw").asLong();
        if (line.group("flags") != null) {
          assertThat(line.group("source")).isEqualTo(event.get("source").asText());
          assertThat(line.group("target")).isEqualTo(event.get("target").asText());
          // libbpf-tools keeps FS_NAME_LEN (8) bytes of the type, its NUL included.
          assertThat(line.group("fs")).isEqualTo(prefix(event.get("fs").asText(), 7));
          assertThat(line.group("data")).isEqualTo(event.get("data").asText());
          assertThat(line.group("flags")).isEqualTo(referenceFlags(flags));
        } else {
          assertThat(line.group("utarget")).isEqualTo(event.get("target").asText());
          assertThat(line.group("uflags")).isEqualTo(referenceFlags(flags));
        }
      }
    } finally {
      for (Path target : targets.reversed()) {
        calls.umount2(target, MountCalls.MNT_DETACH);
      }
    }
  }

  /** Flags as libbpf-tools prints them: MS_* names joined by " | ", or 0x0. */
  private static String referenceFlags(long flags) {
    List<String> names = MountFlags.names(MountOperation.MOUNT, flags);
    return names.isEmpty() ? "0x0" : String.join(" | ", names);
  }

  private static int result(String printed) {
    Integer named = ERRNO_NAMES.get(printed);
    return named != null ? named : Integer.parseInt(printed);
  }

  private static String prefix(String text, int length) {
    return text.length() <= length ? text : text.substring(0, length);
  }
}
