package io.gadgetflow.node.gadget.profile.cpu;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.node.gadget.CStrings;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * A process's samples with one pair of stacks: an entry of the {@code counts} map of
 * src/main/bpf/profile/cpu/program.bpf.c, its key a {@code struct profile_key}.
 *
 * @param kernelStackId the kernel stack's id in the {@code stacks} map, or {@link #NO_STACK} when
 *     the samples had none (in user mode), or {@link #LOST_STACK}
 * @param userStackId the same for the user stack ({@link #NO_STACK} for a kernel thread)
 */
record StackCount(
    long mountNsId, long pid, String comm, long kernelStackId, long userStackId, long count) {

  /** The samples have no such stack, or it was not asked for. */
  static final long NO_STACK = 0;

  /** The stack could not be kept: the stack map was full. */
  static final long LOST_STACK = 1;

  static final StructLayout PROFILE_KEY =
      structLayout(
              JAVA_LONG.withName("mount_ns_id"),
              JAVA_LONG.withName("kernel_stack_id"),
              JAVA_LONG.withName("user_stack_id"),
              JAVA_INT.withName("pid"),
              sequenceLayout(16, JAVA_BYTE).withName("comm"),
              JAVA_INT.withName("padding"))
          .withName("profile_key");

  /** A stack's instruction pointers, innermost first, zeros after the last. */
  static final StructLayout PROFILE_STACK =
      structLayout(sequenceLayout(127, JAVA_LONG).withName("ips")).withName("profile_stack");

  private static final long MOUNT_NS_ID = offsetOf(PROFILE_KEY, "mount_ns_id");
  private static final long PID = offsetOf(PROFILE_KEY, "pid");
  private static final long KERNEL_STACK_ID = offsetOf(PROFILE_KEY, "kernel_stack_id");
  private static final long USER_STACK_ID = offsetOf(PROFILE_KEY, "user_stack_id");
  private static final long COMM = offsetOf(PROFILE_KEY, "comm");
  private static final int COMM_BYTES = sizeOf(PROFILE_KEY, "comm");

  /** Reads a {@code struct profile_key} and its count. */
  static StackCount decode(MemorySegment key, long count) {
    return new StackCount(
        key.get(JAVA_LONG, MOUNT_NS_ID),
        Integer.toUnsignedLong(key.get(JAVA_INT, PID)),
        CStrings.read(key, COMM, COMM_BYTES),
        key.get(JAVA_LONG, KERNEL_STACK_ID),
        key.get(JAVA_LONG, USER_STACK_ID),
        count);
  }
}
