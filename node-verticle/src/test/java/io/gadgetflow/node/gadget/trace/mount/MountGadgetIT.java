package io.gadgetflow.node.gadget.trace.mount;

import static io.gadgetflow.node.gadget.trace.mount.MountCalls.AT_EMPTY_PATH;
import static io.gadgetflow.node.gadget.trace.mount.MountCalls.AT_FDCWD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This JVM's thread mounts and unmounts tmpfs on temporary directories, the classic way and with
 * the mount API, with arguments the test chose: each call's event carries them and its result.
 */
class MountGadgetIT {
  private static final int ENOENT = 2;

  @TempDir Path directory;

  @Test
  void mountAndUmountAreReportedWithTheirArgumentsAndResults() throws Exception {
    Path target = Files.createDirectory(directory.resolve("classic"));
    Path missing = directory.resolve("missing");
    String source = "gadgetflow-" + UUID.randomUUID();
    MountCalls calls = new MountCalls();
    try (RunningGadget gadget =
        RunningGadget.start(MountGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "mount-it-reader");
      long tid = MountCalls.gettid();
      int mounted =
          calls.mount(
              source,
              target,
              "tmpfs",
              MountCalls.MS_NOSUID | MountCalls.MS_NODEV,
              "size=1m,mode=700");
      int failed = calls.mount(source, missing, "tmpfs", 0, null);
      int unmounted = calls.umount2(target, MountCalls.MNT_DETACH);
      assertThat(mounted).isZero();
      assertThat(failed).isEqualTo(-ENOENT);
      assertThat(unmounted).isZero();

      List<JsonNode> events = collector.await(byThread(tid).and(onAny(target, missing)), 3);
      JsonNode mount = events.get(0);
      assertThat(mount.get("operation").asText()).isEqualTo("mount");
      assertThat(mount.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(mount.get("uid").asLong()).isEqualTo(TestProcesses.currentUid());
      assertThat(mount.get("mountnsid").asLong()).isEqualTo(TestProcesses.currentMountNamespace());
      assertThat(mount.get("source").asText()).isEqualTo(source);
      assertThat(mount.get("target").asText()).isEqualTo(target.toString());
      assertThat(mount.get("fs").asText()).isEqualTo("tmpfs");
      assertThat(mount.get("data").asText()).isEqualTo("size=1m,mode=700");
      assertThat(names(mount.get("flags"))).containsExactly("MS_NOSUID", "MS_NODEV");
      assertThat(mount.get("flagsRaw").asLong()).isEqualTo(6);
      assertThat(mount.get("ret").asInt()).isZero();
      assertThat(mount.get("latency").asLong()).isPositive();

      JsonNode failure = events.get(1);
      assertThat(failure.get("target").asText()).isEqualTo(missing.toString());
      assertThat(failure.get("ret").asInt()).isEqualTo(-ENOENT);
      assertThat(failure.get("data").asText()).isEmpty();
      assertThat(names(failure.get("flags"))).isEmpty();

      JsonNode umount = events.get(2);
      assertThat(umount.get("operation").asText()).isEqualTo("umount");
      assertThat(umount.get("target").asText()).isEqualTo(target.toString());
      assertThat(umount.get("source").asText()).isEmpty();
      assertThat(umount.get("fs").asText()).isEmpty();
      assertThat(names(umount.get("flags"))).containsExactly("MNT_DETACH");
      assertThat(umount.get("ret").asInt()).isZero();
    } finally {
      calls.umount2(target, MountCalls.MNT_DETACH);
    }
  }

  /**
   * A tmpfs mounted with the mount API, as util-linux 2.39 and container runtimes do: fsopen,
   * fsconfig, fsmount, then move_mount of the detached mount onto its target (the calls Inspektor
   * Gadget's mountsnoop did not see); mount_setattr, open_tree, open_tree_attr and fspick on it.
   */
  @Test
  void theMountApiIsReportedWithWhatItsDescriptorsReferTo() throws Exception {
    Path target = Files.createDirectory(directory.resolve("new-api"));
    String source = "gadgetflow-" + UUID.randomUUID();
    MountCalls calls = new MountCalls();
    try (RunningGadget gadget =
        RunningGadget.start(MountGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "mount-it-reader");
      long tid = MountCalls.gettid();
      int context = calls.fsopen("tmpfs", 0);
      assertThat(context).isNotNegative();
      assertThat(calls.fsconfig(context, MountCalls.FSCONFIG_SET_STRING, "source", source))
          .isZero();
      assertThat(calls.fsconfig(context, MountCalls.FSCONFIG_SET_STRING, "size", "1m")).isZero();
      assertThat(calls.fsconfig(context, MountCalls.FSCONFIG_CMD_CREATE, null, null)).isZero();
      int detached =
          calls.fsmount(
              context,
              MountCalls.FSMOUNT_CLOEXEC,
              MountCalls.MOUNT_ATTR_NOSUID | MountCalls.MOUNT_ATTR_NODEV);
      assertThat(detached).isNotNegative();
      assertThat(calls.mountSetattr(detached, "", AT_EMPTY_PATH, MountCalls.MOUNT_ATTR_RDONLY))
          .isZero();
      assertThat(
              calls.moveMount(
                  detached, "", AT_FDCWD, target.toString(), MountCalls.MOVE_MOUNT_F_EMPTY_PATH))
          .isZero();
      int clone = calls.openTree(AT_FDCWD, target.toString(), MountCalls.OPEN_TREE_CLONE);
      assertThat(clone).isNotNegative();
      int attributedClone =
          calls.openTreeAttr(
              AT_FDCWD,
              target.toString(),
              MountCalls.OPEN_TREE_CLONE,
              MountCalls.MOUNT_ATTR_NOEXEC);
      assertThat(attributedClone).isNotNegative();
      int picked = calls.fspick(AT_FDCWD, target.toString(), 0);
      assertThat(picked).isNotNegative();

      List<JsonNode> events = collector.await(byThread(tid), 10);
      assertThat(events)
          .extracting(event -> event.get("operation").asText())
          .containsExactly(
              "fsopen",
              "fsconfig",
              "fsconfig",
              "fsconfig",
              "fsmount",
              "mount_setattr",
              "move_mount",
              "open_tree",
              "open_tree_attr",
              "fspick");
      assertThat(events)
          .allSatisfy(event -> assertThat(event.get("fs").asText()).isEqualTo("tmpfs"));

      assertThat(events.get(0).get("ret").asInt()).isEqualTo(context);
      assertThat(events)
          .extracting(event -> event.get("data").asText())
          .containsExactly(
              "",
              "source=" + source,
              "size=1m",
              "",
              "attr_flags=MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV",
              "attr_set=MOUNT_ATTR_RDONLY",
              "",
              "",
              "attr_set=MOUNT_ATTR_NOEXEC",
              "");
      assertThat(names(events.get(1).get("flags"))).containsExactly("FSCONFIG_SET_STRING");
      assertThat(names(events.get(3).get("flags"))).containsExactly("FSCONFIG_CMD_CREATE");

      JsonNode fsmount = events.get(4);
      assertThat(fsmount.get("source").asText()).isEqualTo(source);
      assertThat(fsmount.get("ret").asInt()).isEqualTo(detached);
      assertThat(names(fsmount.get("flags"))).containsExactly("FSMOUNT_CLOEXEC");

      JsonNode setattr = events.get(5);
      assertThat(setattr.get("source").asText()).isEqualTo(source);
      assertThat(names(setattr.get("flags"))).containsExactly("AT_EMPTY_PATH");

      JsonNode move = events.get(6);
      assertThat(move.get("source").asText()).isEqualTo(source);
      assertThat(move.get("target").asText()).isEqualTo(target.toString());
      assertThat(names(move.get("flags"))).containsExactly("MOVE_MOUNT_F_EMPTY_PATH");
      assertThat(move.get("ret").asInt()).isZero();

      assertThat(events.get(7).get("source").asText()).isEqualTo(target.toString());
      assertThat(names(events.get(7).get("flags"))).containsExactly("OPEN_TREE_CLONE");
      assertThat(events.get(7).get("ret").asInt()).isEqualTo(clone);
      assertThat(events.get(9).get("target").asText()).isEqualTo(target.toString());
      assertThat(events.get(9).get("ret").asInt()).isEqualTo(picked);
    } finally {
      calls.closeDescriptors();
      calls.umount2(target, MountCalls.MNT_DETACH);
    }
  }

  private static Predicate<JsonNode> byThread(long tid) {
    return event -> event.get("tid").asLong() == tid;
  }

  private static Predicate<JsonNode> onAny(Path... targets) {
    return event ->
        List.of(targets).stream().anyMatch(t -> t.toString().equals(event.get("target").asText()));
  }

  static List<String> names(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
