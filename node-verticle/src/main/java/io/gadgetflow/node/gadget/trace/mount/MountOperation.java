package io.gadgetflow.node.gadget.trace.mount;

/**
 * The system calls mountsnoop sees, in the order of {@code MOUNT_OP_*} in
 * src/main/bpf/trace/mount/program.bpf.c; each is named as its system call.
 */
enum MountOperation {
  MOUNT("mount"),
  UMOUNT("umount"),
  FSOPEN("fsopen"),
  FSCONFIG("fsconfig"),
  FSMOUNT("fsmount"),
  MOVE_MOUNT("move_mount"),
  OPEN_TREE("open_tree"),
  OPEN_TREE_ATTR("open_tree_attr"),
  MOUNT_SETATTR("mount_setattr"),
  FSPICK("fspick");

  private static final MountOperation[] BY_NUMBER = values();

  final String systemCall;

  MountOperation(String systemCall) {
    this.systemCall = systemCall;
  }

  /** The operation numbered {@code number} by the program, or null. */
  static MountOperation of(int number) {
    return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
  }
}
