package io.gadgetflow.node.gadget.top.blockio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.node.gadget.TopReports;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockIoStatTest {
  private final Arena arena = Arena.ofAuto();

  @Test
  void decodesAProcesssWritesToADisk() {
    BlockIoStat row = BlockIoStat.decode(key(1), value());

    assertThat(row)
        .isEqualTo(new BlockIoStat(4026532412L, 812, "jbd2/vda-8", true, 254, 16, 65536, 900, 16));
    assertThat(row.column("write")).isEqualTo(true);
    assertThat(row.column("us")).isEqualTo(900L);
    assertThat(BlockIoStat.decode(key(0), value()).write()).isFalse();
  }

  @Test
  void aReportOfItsRowsIsABiotopEvent() {
    String report =
        TopReports.of(BlockIoTopGadget.PROGRAM, List.of(BlockIoStat.decode(key(1), value())));

    assertThat(report)
        .contains(
            "{\"pid\":812,\"comm\":\"jbd2/vda-8\",\"write\":true,\"major\":254,\"minor\":16,"
                + "\"bytes\":65536,\"us\":900,\"io\":16,\"mountnsid\":4026532412,");
    RecordSchemas.assertValid("event-biotop.json", report);
  }

  private MemorySegment key(int write) {
    MemorySegment key = arena.allocate(BlockIoStat.BIO_ID);
    key.set(JAVA_LONG, keyOffset("mount_ns_id"), 4026532412L);
    key.set(JAVA_INT, keyOffset("pid"), 812);
    key.set(JAVA_INT, keyOffset("major"), 254);
    key.set(JAVA_INT, keyOffset("minor"), 16);
    key.set(JAVA_INT, keyOffset("write"), write);
    byte[] comm = "jbd2/vda-8".getBytes(StandardCharsets.US_ASCII);
    MemorySegment.copy(comm, 0, key, JAVA_BYTE, keyOffset("comm"), comm.length);
    return key;
  }

  private MemorySegment value() {
    MemorySegment value = arena.allocate(BlockIoStat.BIO_STAT);
    value.set(JAVA_LONG, BlockIoStat.BIO_STAT.byteOffset(groupElement("bytes")), 65536);
    value.set(JAVA_LONG, BlockIoStat.BIO_STAT.byteOffset(groupElement("us")), 900);
    value.set(JAVA_LONG, BlockIoStat.BIO_STAT.byteOffset(groupElement("io")), 16);
    return value;
  }

  private static long keyOffset(String member) {
    return BlockIoStat.BIO_ID.byteOffset(groupElement(member));
  }
}
