package io.gadgetflow.node.gadget.trace.mount;

import java.util.ArrayList;
import java.util.List;

/**
 * The names of the flags each mount system call takes (include/uapi/linux/mount.h, fcntl.h), as
 * mountsnoop prints them: one name per bit set, and the bits no name covers in hexadecimal.
 */
final class MountFlags {
  /** mount(2)'s MS_* flags, bit 0 first, as Inspektor Gadget names them. */
  private static final String[] MOUNT =
      bitNames(
          "MS_RDONLY",
          "MS_NOSUID",
          "MS_NODEV",
          "MS_NOEXEC",
          "MS_SYNCHRONOUS",
          "MS_REMOUNT",
          "MS_MANDLOCK",
          "MS_DIRSYNC",
          "MS_NOSYMFOLLOW",
          "MS_NOATIME",
          "MS_NODIRATIME",
          "MS_BIND",
          "MS_MOVE",
          "MS_REC",
          "MS_VERBOSE",
          "MS_SILENT",
          "MS_POSIXACL",
          "MS_UNBINDABLE",
          "MS_PRIVATE",
          "MS_SLAVE",
          "MS_SHARED",
          "MS_RELATIME",
          "MS_KERNMOUNT",
          "MS_I_VERSION",
          "MS_STRICTATIME",
          "MS_LAZYTIME",
          "MS_SUBMOUNT",
          "MS_NOREMOTELOCK",
          "MS_NOSEC",
          "MS_BORN",
          "MS_ACTIVE",
          "MS_NOUSER");

  /** The magic number old programs put in mount(2)'s upper 16 bits; the kernel ignores it. */
  private static final long MS_MGC_VAL = 0xC0ED0000L;

  private static final long MS_MGC_MASK = 0xFFFF0000L;

  private static final String[] UMOUNT =
      bitNames("MNT_FORCE", "MNT_DETACH", "MNT_EXPIRE", "UMOUNT_NOFOLLOW");

  private static final String[] FSOPEN = bitNames("FSOPEN_CLOEXEC");

  /** fsconfig's command: a value, not bits. */
  private static final String[] FSCONFIG_COMMANDS = {
    "FSCONFIG_SET_FLAG",
    "FSCONFIG_SET_STRING",
    "FSCONFIG_SET_BINARY",
    "FSCONFIG_SET_PATH",
    "FSCONFIG_SET_PATH_EMPTY",
    "FSCONFIG_SET_FD",
    "FSCONFIG_CMD_CREATE",
    "FSCONFIG_CMD_RECONFIGURE",
    "FSCONFIG_CMD_CREATE_EXCL"
  };

  private static final String[] FSMOUNT = bitNames("FSMOUNT_CLOEXEC");

  private static final String[] MOVE_MOUNT = new String[Long.SIZE];

  private static final String[] OPEN_TREE = new String[Long.SIZE];

  private static final String[] MOUNT_SETATTR = new String[Long.SIZE];

  private static final String[] FSPICK =
      bitNames(
          "FSPICK_CLOEXEC", "FSPICK_SYMLINK_NOFOLLOW", "FSPICK_NO_AUTOMOUNT", "FSPICK_EMPTY_PATH");

  /** MOUNT_ATTR_* of fsmount, mount_setattr and open_tree_attr. */
  private static final String[] MOUNT_ATTR = new String[Long.SIZE];

  /** The access-time field of MOUNT_ATTR_*: a value in bits 4-6, not single bits. */
  private static final long MOUNT_ATTR_ATIME = 0x70;

  private static final long MOUNT_ATTR_NOATIME = 0x10;
  private static final long MOUNT_ATTR_STRICTATIME = 0x20;

  static {
    name(MOVE_MOUNT, 0x1, "MOVE_MOUNT_F_SYMLINKS");
    name(MOVE_MOUNT, 0x2, "MOVE_MOUNT_F_AUTOMOUNTS");
    name(MOVE_MOUNT, 0x4, "MOVE_MOUNT_F_EMPTY_PATH");
    name(MOVE_MOUNT, 0x10, "MOVE_MOUNT_T_SYMLINKS");
    name(MOVE_MOUNT, 0x20, "MOVE_MOUNT_T_AUTOMOUNTS");
    name(MOVE_MOUNT, 0x40, "MOVE_MOUNT_T_EMPTY_PATH");
    name(MOVE_MOUNT, 0x100, "MOVE_MOUNT_SET_GROUP");
    name(MOVE_MOUNT, 0x200, "MOVE_MOUNT_BENEATH");
    for (String[] atFlags : List.of(OPEN_TREE, MOUNT_SETATTR)) {
      name(atFlags, 0x100, "AT_SYMLINK_NOFOLLOW");
      name(atFlags, 0x800, "AT_NO_AUTOMOUNT");
      name(atFlags, 0x1000, "AT_EMPTY_PATH");
      name(atFlags, 0x8000, "AT_RECURSIVE");
    }
    name(OPEN_TREE, 0x1, "OPEN_TREE_CLONE");
    name(OPEN_TREE, 0x80000, "OPEN_TREE_CLOEXEC");
    name(MOUNT_ATTR, 0x1, "MOUNT_ATTR_RDONLY");
    name(MOUNT_ATTR, 0x2, "MOUNT_ATTR_NOSUID");
    name(MOUNT_ATTR, 0x4, "MOUNT_ATTR_NODEV");
    name(MOUNT_ATTR, 0x8, "MOUNT_ATTR_NOEXEC");
    name(MOUNT_ATTR, 0x80, "MOUNT_ATTR_NODIRATIME");
    name(MOUNT_ATTR, 0x100000, "MOUNT_ATTR_IDMAP");
    name(MOUNT_ATTR, 0x200000, "MOUNT_ATTR_NOSYMFOLLOW");
  }

  private MountFlags() {}

  /** The names of {@code flags} as {@code operation} (a {@link MountOperation}) takes them. */
  static List<String> names(MountOperation operation, long flags) {
    return switch (operation) {
      case MOUNT -> bits(MOUNT, (flags & MS_MGC_MASK) == MS_MGC_VAL ? flags & ~MS_MGC_MASK : flags);
      case UMOUNT -> bits(UMOUNT, flags);
      case FSOPEN -> bits(FSOPEN, flags);
      case FSCONFIG ->
          List.of(
              flags >= 0 && flags < FSCONFIG_COMMANDS.length
                  ? FSCONFIG_COMMANDS[(int) flags]
                  : hex(flags));
      case FSMOUNT -> bits(FSMOUNT, flags);
      case MOVE_MOUNT -> bits(MOVE_MOUNT, flags);
      case OPEN_TREE, OPEN_TREE_ATTR -> bits(OPEN_TREE, flags);
      case MOUNT_SETATTR -> bits(MOUNT_SETATTR, flags);
      case FSPICK -> bits(FSPICK, flags);
    };
  }

  /** MOUNT_ATTR_* joined with {@code |}; the access-time field is named by its value. */
  static String mountAttributes(long attributes) {
    List<String> names = new ArrayList<>();
    long atime = attributes & MOUNT_ATTR_ATIME;
    if (atime == MOUNT_ATTR_NOATIME) {
      names.add("MOUNT_ATTR_NOATIME");
    } else if (atime == MOUNT_ATTR_STRICTATIME) {
      names.add("MOUNT_ATTR_STRICTATIME");
    } else if (atime == MOUNT_ATTR_ATIME) {
      // In attr_clr: the access time is replaced by attr_set's (0 there is MOUNT_ATTR_RELATIME).
      names.add("MOUNT_ATTR__ATIME");
    } else if (atime != 0) {
      names.add(hex(atime));
    }
    names.addAll(bits(MOUNT_ATTR, attributes & ~MOUNT_ATTR_ATIME));
    return String.join("|", names);
  }

  /** The propagation of struct mount_attr: MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE. */
  static String propagation(long propagation) {
    return String.join("|", bits(MOUNT, propagation));
  }

  private static List<String> bits(String[] names, long flags) {
    List<String> set = new ArrayList<>(Long.bitCount(flags));
    long unnamed = 0;
    for (int bit = 0; bit < Long.SIZE; bit++) {
      long mask = 1L << bit;
      if ((flags & mask) == 0) {
        continue;
      }
      if (names[bit] != null) {
        set.add(names[bit]);
      } else {
        unnamed |= mask;
      }
    }
    if (unnamed != 0) {
      set.add(hex(unnamed));
    }
    return set;
  }

  private static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }

  private static String[] bitNames(String... fromBitZero) {
    String[] names = new String[Long.SIZE];
    System.arraycopy(fromBitZero, 0, names, 0, fromBitZero.length);
    return names;
  }

  private static void name(String[] names, long bit, String name) {
    names[Long.numberOfTrailingZeros(bit)] = name;
  }
}
