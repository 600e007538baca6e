package io.gadgetflow.node.gadget.trace.fsslower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.RunningGadget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations on files of the temporary directory's filesystem (ext4 on this machine's kind) with
 * offsets and sizes the test chose, and an O_DIRECT read the blkio controller slows to a known
 * pace, against operations that must not be reported: on another filesystem, or faster than the
 * threshold.
 */
class FsSlowerGadgetIT {
  private static final Path BLKIO_CGROUPS = Path.of("/sys/fs/cgroup/blkio");
  private static final Path SHARED_MEMORY = Path.of("/dev/shm");
  private static final int SLOW_READ_BYTES = 256 * 1024;
  private static final int THROTTLE_BYTES_PER_SECOND = 512 * 1024;
  private static final long THRESHOLD_MILLIS = 200;

  @TempDir Path directory;

  @Test
  void reportsEachOperationOnTheFilesystemWithItsBytesAndOffset() throws Exception {
    String filesystem = Files.getFileStore(directory).type();
    assertThat(filesystem)
        .isIn(GadgetCatalog.FSSLOWER.parameter("filesystem").orElseThrow().allowedValues());
    assertThat(Files.getFileStore(SHARED_MEMORY).type()).isEqualTo("tmpfs");
    Path elsewhere = SHARED_MEMORY.resolve("gadgetflow-fsslower-" + UUID.randomUUID());
    Path file = directory.resolve("fsslower-" + UUID.randomUUID());
    long jvm = ProcessHandle.current().pid();
    try (RunningGadget gadget = start(filesystem, 0)) {
      EventCollector collector = EventCollector.start(gadget, "fsslower-it-reader");
      try (FileChannel other =
          FileChannel.open(elsewhere, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        other.write(ByteBuffer.allocate(4096));
      }
      try (FileChannel channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ)) {
        assertThat(channel.write(ByteBuffer.allocate(4096), 8192)).isEqualTo(4096);
        assertThat(channel.read(ByteBuffer.allocate(100), 0)).isEqualTo(100);
        channel.position(100);
        assertThat(channel.read(ByteBuffer.allocate(50))).isEqualTo(50);
        channel.force(true);
        channel.force(false);
      }

      List<JsonNode> events = collector.await(onFile(file), 6);
      assertThat(events)
          .extracting(
              event -> event.get("op").asText(),
              event -> event.get("bytes").asLong(),
              event -> event.get("offset").asLong())
          .containsExactly(
              tuple("O", 0L, 0L),
              tuple("W", 4096L, 8192L),
              tuple("R", 100L, 0L),
              tuple("R", 50L, 100L),
              tuple("F", 0L, 0L),
              tuple("F", 0L, 0L));
      assertThat(events).allSatisfy(event -> assertThat(event.get("pid").asLong()).isEqualTo(jvm));
      assertThat(collector.matching(onFile(elsewhere))).isEmpty();
    } finally {
      Files.deleteIfExists(elsewhere);
    }
  }

  @Test
  void reportsOnlyOperationsSlowerThanTheThreshold() throws Exception {
    Path file = directory.resolve("slow-" + UUID.randomUUID());
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(SLOW_READ_BYTES));
      channel.force(true);
    }
    Path cgroup = BLKIO_CGROUPS.resolve("gadgetflow-fsslower-" + UUID.randomUUID());
    Files.createDirectory(cgroup);
    try (RunningGadget gadget = start(Files.getFileStore(directory).type(), THRESHOLD_MILLIS)) {
      Files.writeString(
          cgroup.resolve("blkio.throttle.read_bps_device"),
          disk(file) + " " + THROTTLE_BYTES_PER_SECOND);
      EventCollector collector = EventCollector.start(gadget, "fsslower-it-reader");
      // From the page cache: microseconds.
      Process fast = run("cat " + file + " > /dev/null");
      // From the disk, at 512 KiB/s: half a second.
      Process slow =
          run(
              "echo $$ > "
                  + cgroup.resolve("cgroup.procs")
                  + "; exec dd if="
                  + file
                  + " of=/dev/null bs="
                  + SLOW_READ_BYTES
                  + " count=1 iflag=direct status=none");

      JsonNode read = collector.await(byProcess(slow), 1).getFirst();
      assertThat(read.get("comm").asText()).isEqualTo("dd");
      assertThat(read.get("op").asText()).isEqualTo("R");
      assertThat(read.get("bytes").asLong()).isEqualTo(SLOW_READ_BYTES);
      assertThat(read.get("offset").asLong()).isZero();
      assertThat(read.get("file").asText()).isEqualTo(file.getFileName().toString());
      assertThat(read.get("latency").asLong())
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(THRESHOLD_MILLIS));
      assertThat(collector.matching(byProcess(slow))).hasSize(1);
      assertThat(collector.matching(byProcess(fast))).isEmpty();
    } finally {
      Files.delete(cgroup);
    }
  }

  private static RunningGadget start(String filesystem, long minMillis) {
    return RunningGadget.start(
        FsSlowerGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(
            GadgetCatalog.FSSLOWER,
            Map.of("filesystem", filesystem, "min", Long.toString(minMillis))));
  }

  private static Process run(String script) throws Exception {
    Process process = new ProcessBuilder("sh", "-c", script).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(script).isZero();
    return process;
  }

  /**
   * MAJOR:MINOR of the disk holding {@code file}, the whole disk when the file is on a partition.
   */
  private static String disk(Path file) throws IOException {
    long device = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
    long major = ((device >>> 8) & 0xfff) | ((device >>> 32) & ~0xfffL);
    long minor = (device & 0xff) | ((device >>> 12) & ~0xffL);
    Path block = Path.of("/sys/dev/block", major + ":" + minor);
    if (Files.exists(block.resolve("partition"))) {
      return Files.readString(block.toRealPath().getParent().resolve("dev")).strip();
    }
    return major + ":" + minor;
  }

  private static Predicate<JsonNode> onFile(Path file) {
    return event -> event.get("file").asText().equals(file.getFileName().toString());
  }

  private static Predicate<JsonNode> byProcess(Process process) {
    return event -> event.get("pid").asLong() == process.pid();
  }
}
