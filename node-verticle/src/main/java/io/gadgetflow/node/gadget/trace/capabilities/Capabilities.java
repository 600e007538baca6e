package io.gadgetflow.node.gadget.trace.capabilities;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Linux capabilities by number (include/uapi/linux/capability.h), without their CAP_ prefix. */
final class Capabilities {
  private static final String[] NAMES = {
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE"
  };

  /** The set names, lower case as Inspektor Gadget lists them, for each of the 64 bits. */
  private static final String[] SET_NAMES = new String[Long.SIZE];

  static {
    for (int capability = 0; capability < Long.SIZE; capability++) {
      SET_NAMES[capability] =
          capability < NAMES.length
              ? NAMES[capability].toLowerCase(Locale.ROOT)
              : "cap_" + capability;
    }
  }

  private Capabilities() {}

  /** E.g. {@code SYS_ADMIN}; a capability newer than this table as {@code UNKNOWN (n)}. */
  static String name(int capability) {
    return capability >= 0 && capability < NAMES.length
        ? NAMES[capability]
        : "UNKNOWN (" + capability + ")";
  }

  /** The names of the capabilities in a set such as {@code cap_effective}, lowest bit first. */
  static List<String> names(long set) {
    List<String> names = new ArrayList<>(Long.bitCount(set));
    for (int capability = 0; capability < Long.SIZE; capability++) {
      if ((set & (1L << capability)) != 0) {
        names.add(SET_NAMES[capability]);
      }
    }
    return names;
  }
}
