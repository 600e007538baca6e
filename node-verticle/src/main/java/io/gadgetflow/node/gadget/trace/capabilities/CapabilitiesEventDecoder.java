package io.gadgetflow.node.gadget.trace.capabilities;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.gadgetflow.node.bpf.SyscallNames;
import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct capabilities_event} of src/main/bpf/trace/capabilities/program.bpf.c into
 * the capabilities gadget's event: pid, comm, syscall, uid, gid, cap, capName, verdict,
 * targetuserns, currentuserns, caps, capsNames.
 */
public final class CapabilitiesEventDecoder implements EventDecoder {
  static final StructLayout CAPABILITIES_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_LONG.withName("target_user_ns"),
              JAVA_LONG.withName("current_user_ns"),
              JAVA_LONG.withName("effective"),
              JAVA_INT.withName("capability"),
              JAVA_INT.withName("ret"),
              JAVA_INT.withName("gid"),
              JAVA_INT.withName("syscall"))
          .withName("capabilities_event");

  private static final long TARGET_USER_NS_OFFSET = offsetOf(CAPABILITIES_EVENT, "target_user_ns");
  private static final long CURRENT_USER_NS_OFFSET =
      offsetOf(CAPABILITIES_EVENT, "current_user_ns");
  private static final long EFFECTIVE_OFFSET = offsetOf(CAPABILITIES_EVENT, "effective");
  private static final long CAPABILITY_OFFSET = offsetOf(CAPABILITIES_EVENT, "capability");
  private static final long RET_OFFSET = offsetOf(CAPABILITIES_EVENT, "ret");
  private static final long GID_OFFSET = offsetOf(CAPABILITIES_EVENT, "gid");
  private static final long SYSCALL_OFFSET = offsetOf(CAPABILITIES_EVENT, "syscall");
  private static final int RECORD_BYTES = Math.toIntExact(CAPABILITIES_EVENT.byteSize());

  /** System call numbers this decoder names from a table of its own, beyond them by libseccomp. */
  private static final int CACHED_SYSCALLS = 1024;

  private static final JsonName SYSCALL = JsonName.of("syscall");
  private static final JsonName GID = JsonName.of("gid");
  private static final JsonName CAP = JsonName.of("cap");
  private static final JsonName CAP_NAME = JsonName.of("capName");
  private static final JsonName VERDICT = JsonName.of("verdict");
  private static final JsonName TARGET_USER_NS = JsonName.of("targetuserns");
  private static final JsonName CURRENT_USER_NS = JsonName.of("currentuserns");
  private static final JsonName CAPS = JsonName.of("caps");
  private static final JsonName CAPS_NAMES = JsonName.of("capsNames");

  private final long bootToEpochNanos;
  private final String[] syscallNames = new String[CACHED_SYSCALLS];
  private long malformedRecords;

  public CapabilitiesEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    int capability = ring.get(JAVA_INT_UNALIGNED, offset + CAPABILITY_OFFSET);
    long effective = ring.get(JAVA_LONG_UNALIGNED, offset + EFFECTIVE_OFFSET);
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    out.field(SYSCALL, syscallName(ring.get(JAVA_INT_UNALIGNED, offset + SYSCALL_OFFSET)));
    EventHeader.writeUid(ring, offset, out);
    out.unsignedField(GID, ring.get(JAVA_INT_UNALIGNED, offset + GID_OFFSET));
    out.field(CAP, capability);
    out.field(CAP_NAME, Capabilities.name(capability));
    out.field(VERDICT, ring.get(JAVA_INT_UNALIGNED, offset + RET_OFFSET) == 0 ? "Allow" : "Deny");
    out.field(TARGET_USER_NS, ring.get(JAVA_LONG_UNALIGNED, offset + TARGET_USER_NS_OFFSET));
    out.field(CURRENT_USER_NS, ring.get(JAVA_LONG_UNALIGNED, offset + CURRENT_USER_NS_OFFSET));
    out.field(CAPS, effective);
    out.beginArrayField(CAPS_NAMES);
    for (String name : Capabilities.names(effective)) {
      out.stringElement(name);
    }
    out.endArray();
    return true;
  }

  /**
   * Empty outside a system call; {@code syscallN} for a number this architecture has no name for.
   */
  private String syscallName(int number) {
    if (number < 0) {
      return "";
    }
    if (number < CACHED_SYSCALLS && syscallNames[number] != null) {
      return syscallNames[number];
    }
    String name = SyscallNames.of(number).orElse("syscall" + number);
    if (number < CACHED_SYSCALLS) {
      syscallNames[number] = name;
    }
    return name;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
