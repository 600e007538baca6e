package io.gadgetflow.node.gadget.top.file;

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

class FileStatTest {
  private final Arena arena = Arena.ofAuto();

  @Test
  void decodesAThreadsUseOfAFile() {
    FileStat row = FileStat.decode(arena.allocate(FileStat.FILE_ID), value("data.bin", 'R'));

    assertThat(row)
        .isEqualTo(
            new FileStat(4026532412L, 4242, 4243, "postgres", 3, 2, 12288, 8192, "R", "data.bin"));
    assertThat(row.column("wbytes")).isEqualTo(8192L);
    assertThat(row.column("filename")).isEqualTo("data.bin");
    assertThat(row.column("size")).isNull();
  }

  @Test
  void aTypeTheProgramDoesNotSetIsOther() {
    assertThat(FileStat.decode(arena.allocate(FileStat.FILE_ID), value("x", '?')).fileType())
        .isEqualTo("O");
  }

  @Test
  void aReportOfItsRowsIsAFiletopEvent() {
    String report =
        TopReports.of(
            FileTopGadget.PROGRAM,
            List.of(FileStat.decode(arena.allocate(FileStat.FILE_ID), value("a.log", 'R'))));

    assertThat(report)
        .contains(
            "\"stats\":[{\"pid\":4242,\"tid\":4243,\"comm\":\"postgres\",\"reads\":3,\"writes\":2,"
                + "\"rbytes\":12288,\"wbytes\":8192,\"file_type\":\"R\",\"filename\":\"a.log\","
                + "\"mountnsid\":4026532412,\"node\":\"node-1\",\"namespace\":\"shop\","
                + "\"pod\":\"db-0\",\"container\":\"postgres\"}]");
    RecordSchemas.assertValid("event-filetop.json", report);
  }

  private MemorySegment value(String filename, char type) {
    MemorySegment value = arena.allocate(FileStat.FILE_STAT);
    value.set(JAVA_LONG, offset("reads"), 3);
    value.set(JAVA_LONG, offset("writes"), 2);
    value.set(JAVA_LONG, offset("read_bytes"), 12288);
    value.set(JAVA_LONG, offset("write_bytes"), 8192);
    value.set(JAVA_LONG, offset("mount_ns_id"), 4026532412L);
    value.set(JAVA_INT, offset("pid"), 4242);
    value.set(JAVA_INT, offset("tid"), 4243);
    copy("postgres", value, offset("comm"));
    copy(filename, value, offset("filename"));
    value.set(JAVA_BYTE, offset("type"), (byte) type);
    return value;
  }

  private static void copy(String text, MemorySegment to, long offset) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    MemorySegment.copy(bytes, 0, to, JAVA_BYTE, offset, bytes.length);
  }

  private static long offset(String member) {
    return FileStat.FILE_STAT.byteOffset(groupElement(member));
  }
}
