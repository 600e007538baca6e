package io.gadgetflow.node.gadget.top.blockio;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.OwnMountNamespace;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import io.gadgetflow.node.gadget.TopRow;
import io.gadgetflow.node.gadget.TopTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct I/O (O_DIRECT, each block one request that dd waits for) to a file on this machine's real
 * disk, in a mount namespace of its own that the gadget is filtered on: the table has one row per
 * dd and direction with exactly its requests and bytes. Needs the temporary directory on a real
 * block device, as on these machines (/dev/vda).
 */
class BlockIoTopGadgetIT {
  private static final int BLOCK = 4096;
  private static final int READS = 256;
  private static final int WRITES = 64;

  @TempDir Path directory;

  @Test
  void countsEachProcesssRequestsAndBytesPerDiskAndDirection() throws Exception {
    Path file = directory.resolve("biotop.bin");
    TestProcesses.run(
        "dd", "if=/dev/zero", "of=" + file, "bs=" + BLOCK, "count=" + READS, "conv=fsync");
    long[] disk = diskOf(file);
    try (RunningGadget gadget =
        RunningGadget.start(
            BlockIoTopGadget.PROGRAM,
            GadgetOptions.filtered(Set.of()),
            GadgetParameters.defaults(GadgetCatalog.BIOTOP))) {
      TopTableReader table =
          new TopTableReader(
              BlockIoTopGadget.PROGRAM.table().orElseThrow(),
              GadgetCatalog.BIOTOP,
              GadgetParameters.defaults(GadgetCatalog.BIOTOP));
      List<String> pids =
          OwnMountNamespace.run(
              gadget.mountNamespaceFilter()::select,
              "dd if=%s of=/dev/null bs=%d count=%d iflag=direct status=none & echo $!; wait $!; "
                      .formatted(file, BLOCK, READS)
                  + "dd if=/dev/zero of=%s bs=%d count=%d oflag=direct conv=notrunc status=none & echo $!; wait $!"
                      .formatted(file, BLOCK, WRITES));
      long reader = Long.parseLong(pids.get(0));
      long writer = Long.parseLong(pids.get(1));

      List<TopRow> report = table.top(table.takeRows(gadget));

      List<BlockIoStat> rows = report.stream().map(BlockIoStat.class::cast).toList();
      assertThat(rows).extracting(BlockIoStat::pid).containsExactly(reader, writer);
      BlockIoStat reads = rows.get(0);
      assertThat(reads.comm()).isEqualTo("dd");
      assertThat(reads.write()).isFalse();
      assertThat(new long[] {reads.major(), reads.minor()}).containsExactly(disk);
      assertThat(reads.io()).isEqualTo(READS);
      assertThat(reads.bytes()).isEqualTo((long) READS * BLOCK);
      assertThat(reads.us()).isPositive();
      BlockIoStat writes = rows.get(1);
      assertThat(writes.write()).isTrue();
      assertThat(new long[] {writes.major(), writes.minor()}).containsExactly(disk);
      assertThat(writes.io()).isEqualTo(WRITES);
      assertThat(writes.bytes()).isEqualTo((long) WRITES * BLOCK);
      assertThat(writes.mountNsId()).isEqualTo(reads.mountNsId()).isNotZero();
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  /** The major and minor number of the disk {@code file} lives on (a partition's whole disk). */
  private static long[] diskOf(Path file) throws Exception {
    long device = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
    // glibc's encoding of dev_t: the major in bits 8-19 and 32-43, the minor in 0-7 and 20-31.
    long major = ((device >>> 8) & 0xfff) | ((device >>> 32) & ~0xfffL);
    long minor = (device & 0xff) | ((device >>> 12) & ~0xffL);
    Path sysfs = Path.of("/sys/dev/block/" + major + ":" + minor).toRealPath();
    if (Files.exists(sysfs.resolve("partition"))) {
      sysfs = sysfs.getParent();
    }
    String[] numbers = Files.readString(sysfs.resolve("dev")).strip().split(":");
    return new long[] {Long.parseLong(numbers[0]), Long.parseLong(numbers[1])};
  }
}
