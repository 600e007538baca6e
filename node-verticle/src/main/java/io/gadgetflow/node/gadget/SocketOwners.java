package io.gadgetflow.node.gadget;

import java.util.Set;

/**
 * The user space side of src/main/bpf/include/gadgetflow_socket_owners.h, for the gadgets that name
 * a socket's owner in events fired in softirq context: its optional program, and the start step
 * that tells the program the owners of the sockets open before it was attached.
 */
public final class SocketOwners {
  /** accept(2), which arm64 lacks (it has accept4 only). */
  public static final Set<String> OPTIONAL_PROGRAMS = Set.of("gadget_owner_exit_accept");

  /** Runs the task-file iterator once: every open TCP socket gets the owner holding it. */
  public static final ProgramStart REMEMBER_OPEN_SOCKETS =
      gadget -> gadget.readIterator("remember_socket_owners");

  private SocketOwners() {}
}
