package io.gadgetflow.node.gadget.top.file;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.node.gadget.CStrings;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.TopRow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * One row of filetop: a thread's reads and writes of one file over an interval, from {@code struct
 * file_id} and {@code struct file_stat} of src/main/bpf/top/file/program.bpf.c.
 */
record FileStat(
    long mountNsId,
    long pid,
    long tid,
    String comm,
    long reads,
    long writes,
    long readBytes,
    long writeBytes,
    String fileType,
    String filename)
    implements TopRow {

  static final StructLayout FILE_ID =
      structLayout(
              JAVA_LONG.withName("inode"),
              JAVA_INT.withName("dev"),
              JAVA_INT.withName("pid"),
              JAVA_INT.withName("tid"),
              JAVA_INT.withName("padding"))
          .withName("file_id");

  static final StructLayout FILE_STAT =
      structLayout(
              JAVA_LONG.withName("reads"),
              JAVA_LONG.withName("writes"),
              JAVA_LONG.withName("read_bytes"),
              JAVA_LONG.withName("write_bytes"),
              JAVA_LONG.withName("mount_ns_id"),
              JAVA_INT.withName("pid"),
              JAVA_INT.withName("tid"),
              sequenceLayout(16, JAVA_BYTE).withName("comm"),
              sequenceLayout(256, JAVA_BYTE).withName("filename"),
              JAVA_BYTE.withName("type"),
              paddingLayout(7))
          .withName("file_stat");

  private static final long READS = offsetOf(FILE_STAT, "reads");
  private static final long WRITES = offsetOf(FILE_STAT, "writes");
  private static final long READ_BYTES = offsetOf(FILE_STAT, "read_bytes");
  private static final long WRITE_BYTES = offsetOf(FILE_STAT, "write_bytes");
  private static final long MOUNT_NS_ID = offsetOf(FILE_STAT, "mount_ns_id");
  private static final long PID = offsetOf(FILE_STAT, "pid");
  private static final long TID = offsetOf(FILE_STAT, "tid");
  private static final long COMM = offsetOf(FILE_STAT, "comm");
  private static final long FILENAME = offsetOf(FILE_STAT, "filename");
  private static final long TYPE = offsetOf(FILE_STAT, "type");
  private static final int COMM_BYTES = sizeOf(FILE_STAT, "comm");
  private static final int FILENAME_BYTES = sizeOf(FILE_STAT, "filename");

  private static final JsonName PID_FIELD = JsonName.of("pid");
  private static final JsonName TID_FIELD = JsonName.of("tid");
  private static final JsonName COMM_FIELD = JsonName.of("comm");
  private static final JsonName READS_FIELD = JsonName.of("reads");
  private static final JsonName WRITES_FIELD = JsonName.of("writes");
  private static final JsonName RBYTES_FIELD = JsonName.of("rbytes");
  private static final JsonName WBYTES_FIELD = JsonName.of("wbytes");
  private static final JsonName FILE_TYPE_FIELD = JsonName.of("file_type");
  private static final JsonName FILENAME_FIELD = JsonName.of("filename");

  /** The key says nothing the value does not: the value alone makes the row. */
  static FileStat decode(MemorySegment key, MemorySegment value) {
    return new FileStat(
        value.get(JAVA_LONG, MOUNT_NS_ID),
        Integer.toUnsignedLong(value.get(JAVA_INT, PID)),
        Integer.toUnsignedLong(value.get(JAVA_INT, TID)),
        CStrings.read(value, COMM, COMM_BYTES),
        value.get(JAVA_LONG, READS),
        value.get(JAVA_LONG, WRITES),
        value.get(JAVA_LONG, READ_BYTES),
        value.get(JAVA_LONG, WRITE_BYTES),
        fileType(value.get(JAVA_BYTE, TYPE)),
        CStrings.read(value, FILENAME, FILENAME_BYTES));
  }

  private static String fileType(byte type) {
    return switch (type) {
      case 'R' -> "R";
      case 'S' -> "S";
      default -> "O";
    };
  }

  @Override
  public Comparable<?> column(String column) {
    return switch (column) {
      case "pid" -> pid;
      case "tid" -> tid;
      case "comm" -> comm;
      case "reads" -> reads;
      case "writes" -> writes;
      case "rbytes" -> readBytes;
      case "wbytes" -> writeBytes;
      case "file_type" -> fileType;
      case "filename" -> filename;
      default -> null;
    };
  }

  @Override
  public void writeFields(JsonEventWriter out) {
    out.field(PID_FIELD, pid);
    out.field(TID_FIELD, tid);
    out.field(COMM_FIELD, comm);
    out.field(READS_FIELD, reads);
    out.field(WRITES_FIELD, writes);
    out.field(RBYTES_FIELD, readBytes);
    out.field(WBYTES_FIELD, writeBytes);
    out.field(FILE_TYPE_FIELD, fileType);
    out.field(FILENAME_FIELD, filename);
  }
}
