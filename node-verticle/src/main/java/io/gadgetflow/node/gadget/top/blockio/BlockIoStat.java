package io.gadgetflow.node.gadget.top.blockio;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
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
 * One row of biotop: a process's block requests to one disk in one direction over an interval, from
 * {@code struct bio_id} and {@code struct bio_stat} of src/main/bpf/top/block-io/program.bpf.c.
 *
 * @param us microseconds from issue to completion, summed over the requests
 * @param io requests completed
 */
record BlockIoStat(
    long mountNsId,
    long pid,
    String comm,
    boolean write,
    long major,
    long minor,
    long bytes,
    long us,
    long io)
    implements TopRow {

  static final StructLayout BIO_ID =
      structLayout(
              JAVA_LONG.withName("mount_ns_id"),
              JAVA_INT.withName("pid"),
              JAVA_INT.withName("major"),
              JAVA_INT.withName("minor"),
              JAVA_INT.withName("write"),
              sequenceLayout(16, JAVA_BYTE).withName("comm"))
          .withName("bio_id");

  static final StructLayout BIO_STAT =
      structLayout(JAVA_LONG.withName("bytes"), JAVA_LONG.withName("us"), JAVA_LONG.withName("io"))
          .withName("bio_stat");

  private static final long MOUNT_NS_ID = offsetOf(BIO_ID, "mount_ns_id");
  private static final long PID = offsetOf(BIO_ID, "pid");
  private static final long MAJOR = offsetOf(BIO_ID, "major");
  private static final long MINOR = offsetOf(BIO_ID, "minor");
  private static final long WRITE = offsetOf(BIO_ID, "write");
  private static final long COMM = offsetOf(BIO_ID, "comm");
  private static final long BYTES = offsetOf(BIO_STAT, "bytes");
  private static final long US = offsetOf(BIO_STAT, "us");
  private static final long IO = offsetOf(BIO_STAT, "io");
  private static final int COMM_BYTES = sizeOf(BIO_ID, "comm");

  private static final JsonName PID_FIELD = JsonName.of("pid");
  private static final JsonName COMM_FIELD = JsonName.of("comm");
  private static final JsonName WRITE_FIELD = JsonName.of("write");
  private static final JsonName MAJOR_FIELD = JsonName.of("major");
  private static final JsonName MINOR_FIELD = JsonName.of("minor");
  private static final JsonName BYTES_FIELD = JsonName.of("bytes");
  private static final JsonName US_FIELD = JsonName.of("us");
  private static final JsonName IO_FIELD = JsonName.of("io");

  static BlockIoStat decode(MemorySegment key, MemorySegment value) {
    return new BlockIoStat(
        key.get(JAVA_LONG, MOUNT_NS_ID),
        Integer.toUnsignedLong(key.get(JAVA_INT, PID)),
        CStrings.read(key, COMM, COMM_BYTES),
        key.get(JAVA_INT, WRITE) != 0,
        Integer.toUnsignedLong(key.get(JAVA_INT, MAJOR)),
        Integer.toUnsignedLong(key.get(JAVA_INT, MINOR)),
        value.get(JAVA_LONG, BYTES),
        value.get(JAVA_LONG, US),
        value.get(JAVA_LONG, IO));
  }

  @Override
  public Comparable<?> column(String column) {
    return switch (column) {
      case "pid" -> pid;
      case "comm" -> comm;
      case "write" -> write;
      case "major" -> major;
      case "minor" -> minor;
      case "bytes" -> bytes;
      case "us" -> us;
      case "io" -> io;
      default -> null;
    };
  }

  @Override
  public void writeFields(JsonEventWriter out) {
    out.field(PID_FIELD, pid);
    out.field(COMM_FIELD, comm);
    out.field(WRITE_FIELD, write);
    out.field(MAJOR_FIELD, major);
    out.field(MINOR_FIELD, minor);
    out.field(BYTES_FIELD, bytes);
    out.field(US_FIELD, us);
    out.field(IO_FIELD, io);
  }
}
