package io.gadgetflow.api.gadget;

import static io.gadgetflow.api.trace.Operation.COLLECT;
import static io.gadgetflow.api.trace.Operation.GENERATE;
import static io.gadgetflow.api.trace.Operation.START;
import static io.gadgetflow.api.trace.Operation.STOP;

import io.gadgetflow.api.gadget.EventField.Type;
import io.gadgetflow.api.trace.OutputMode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one list of gadgets GadgetFlow has. The controller validates Traces against it, the node
 * agent runs what it names, and the web UI and CLI render it.
 */
public final class GadgetCatalog {
  /** The largest pid Linux can hand out (PID_MAX_LIMIT on 64-bit). */
  private static final long PID_MAX = 4_194_304L;

  public static final GadgetDescriptor EXECSNOOP =
      new GadgetDescriptor(
          "execsnoop",
          GadgetCategory.TRACE,
          "exec",
          "Trace new processes (execve)",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("ppid", Type.UINT, 7, "parent process id"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("ret", Type.INT, 4, "execve return value"),
              new EventField("args", Type.STRING_ARRAY, 40, "argv, at most 20 arguments")));

  public static final GadgetDescriptor OPENSNOOP =
      new GadgetDescriptor(
          "opensnoop",
          GadgetCategory.TRACE,
          "open",
          "Trace files opened (open, openat)",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("fd", Type.INT, 4, "file descriptor, or -1"),
              new EventField("ret", Type.INT, 4, "open return value"),
              new EventField("err", Type.INT, 4, "errno when the open failed, else 0"),
              new EventField("path", Type.STRING, 40, "path as passed to open")));

  public static final GadgetDescriptor SIGSNOOP =
      new GadgetDescriptor(
          "sigsnoop",
          GadgetCategory.TRACE,
          "signal",
          "Trace signals sent to processes",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(
              ParameterDescriptor.of(
                  "signal", ParameterType.SIGNAL, "", "only this signal, e.g. SIGKILL or 9"),
              ParameterDescriptor.of(
                      "pid", ParameterType.UINT, "0", "only signals sent by this process (0: any)")
                  .withRange(0L, PID_MAX),
              ParameterDescriptor.of(
                  "failed", ParameterType.BOOL, "false", "only signals that failed to be sent"),
              ParameterDescriptor.of(
                  "kill-only",
                  ParameterType.BOOL,
                  "false",
                  "only signals sent by the kill, tkill and tgkill system calls")),
          List.of(
              new EventField("pid", Type.UINT, 7, "sender process id"),
              new EventField("uid", Type.UINT, 6, "sender user id"),
              new EventField("comm", Type.STRING, 16, "sender command name"),
              new EventField("signal", Type.STRING, 9, "signal name, e.g. SIGKILL"),
              new EventField("tpid", Type.UINT, 7, "target process id"),
              new EventField("ret", Type.INT, 4, "0, or the negative errno of the sending")));

  public static final GadgetDescriptor TCPTRACER =
      new GadgetDescriptor(
          "tcptracer",
          GadgetCategory.TRACE,
          "tcp",
          "Trace TCP connect, accept and close",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("operation", Type.STRING, 7, "connect, accept or close"),
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("ipversion", Type.UINT, 2, "4 or 6"),
              new EventField("saddr", Type.STRING, 16, "local address"),
              new EventField("daddr", Type.STRING, 16, "remote address"),
              new EventField("sport", Type.UINT, 7, "local port"),
              new EventField("dport", Type.UINT, 7, "remote port")));

  public static final GadgetDescriptor BIOLATENCY =
      new GadgetDescriptor(
          "biolatency",
          GadgetCategory.PROFILE,
          "block-io",
          "Histogram of block device I/O latency, from issue to completion",
          Set.of(START, STOP),
          Set.of(OutputMode.STATUS),
          false,
          List.of(),
          List.of());

  public static final GadgetDescriptor PROCESS_COLLECTOR =
      new GadgetDescriptor(
          "process-collector",
          GadgetCategory.SNAPSHOT,
          "process",
          "List the processes running on the node",
          Set.of(COLLECT),
          Set.of(OutputMode.STATUS),
          true,
          List.of(
              ParameterDescriptor.of(
                  "show-threads", ParameterType.BOOL, "false", "one entry per thread")),
          List.of(
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("tid", Type.UINT, 7, "thread id"),
              new EventField("ppid", Type.UINT, 7, "parent process id"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("gid", Type.UINT, 6, "group id")));

  public static final GadgetDescriptor SECCOMP =
      new GadgetDescriptor(
          "seccomp",
          GadgetCategory.ADVISE,
          "seccomp-profile",
          "Record the system calls of the selected containers and generate a seccomp profile",
          Set.of(START, GENERATE, STOP),
          Set.of(OutputMode.STATUS, OutputMode.EXTERNAL_RESOURCE),
          true,
          List.of(),
          List.of());

  // Top gadgets: one table per interval, in one event (see TopParameters).

  private static final List<EventField> FILETOP_FIELDS =
      List.of(
          new EventField("pid", Type.UINT, 7, "process id"),
          new EventField("tid", Type.UINT, 7, "thread id"),
          new EventField("comm", Type.STRING, 16, "command name"),
          new EventField("reads", Type.UINT, 6, "read calls that succeeded"),
          new EventField("writes", Type.UINT, 6, "write calls that succeeded"),
          new EventField("rbytes", Type.UINT, 10, "bytes read"),
          new EventField("wbytes", Type.UINT, 10, "bytes written"),
          new EventField("file_type", Type.STRING, 1, "R: regular file, S: socket, O: other"),
          new EventField("filename", Type.STRING, 30, "the file's name, without its directory"));

  public static final GadgetDescriptor FILETOP =
      new GadgetDescriptor(
          "filetop",
          GadgetCategory.TOP,
          "file",
          "Periodically report read/write activity by file",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM),
          true,
          concat(
              TopParameters.of("-reads,-writes,-rbytes,-wbytes", names(FILETOP_FIELDS)),
              ParameterDescriptor.of(
                  "all_files",
                  ParameterType.BOOL,
                  "false",
                  "every kind of file (sockets, pipes, devices), not only regular files")),
          FILETOP_FIELDS);

  private static final List<EventField> TCPTOP_FIELDS =
      List.of(
          new EventField("pid", Type.UINT, 7, "process id"),
          new EventField("comm", Type.STRING, 16, "command name"),
          new EventField("ipversion", Type.UINT, 2, "4 or 6, as on the wire"),
          new EventField("saddr", Type.STRING, 16, "local address"),
          new EventField("sport", Type.UINT, 7, "local port"),
          new EventField("daddr", Type.STRING, 16, "remote address"),
          new EventField("dport", Type.UINT, 7, "remote port"),
          new EventField("sent", Type.UINT, 10, "bytes sent"),
          new EventField("received", Type.UINT, 10, "bytes received"));

  public static final GadgetDescriptor TCPTOP =
      new GadgetDescriptor(
          "tcptop",
          GadgetCategory.TOP,
          "tcp",
          "Periodically report TCP activity",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM),
          true,
          concat(
              TopParameters.of("-sent,-received", names(TCPTOP_FIELDS)),
              ParameterDescriptor.of(
                      "pid", ParameterType.UINT, "0", "only this process's connections (0: any)")
                  .withRange(0L, PID_MAX),
              ParameterDescriptor.of(
                      "family",
                      ParameterType.UINT,
                      "",
                      "only this IP version, 4 or 6 (default: both)")
                  .withAllowedValues(List.of("4", "6"))),
          TCPTOP_FIELDS);

  private static final List<EventField> BIOTOP_FIELDS =
      List.of(
          new EventField("pid", Type.UINT, 7, "process that started the I/O"),
          new EventField("comm", Type.STRING, 16, "its command name"),
          new EventField("write", Type.BOOL, 5, "true for writes, false for reads and the rest"),
          new EventField("major", Type.UINT, 6, "disk's major device number"),
          new EventField("minor", Type.UINT, 6, "disk's minor device number"),
          new EventField("bytes", Type.UINT, 10, "bytes transferred"),
          new EventField("us", Type.UINT, 10, "microseconds the requests took, summed"),
          new EventField("io", Type.UINT, 6, "requests completed"));

  public static final GadgetDescriptor BIOTOP =
      new GadgetDescriptor(
          "biotop",
          GadgetCategory.TOP,
          "block-io",
          "Periodically report block device I/O activity",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM),
          true,
          TopParameters.of("-io,-bytes,-us", names(BIOTOP_FIELDS)),
          BIOTOP_FIELDS);
  // Network gadgets (issue 19, h-net): they watch network namespaces, not processes; the process
  // fields are the sender's when it is known, else 0 and empty.

  public static final GadgetDescriptor DNS =
      new GadgetDescriptor(
          "dns",
          GadgetCategory.TRACE,
          "dns",
          "Trace DNS queries and responses (UDP port 53)",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("pid", Type.UINT, 7, "sending process id, 0 when not known"),
              new EventField("tid", Type.UINT, 7, "sending thread id, 0 when not known"),
              new EventField("comm", Type.STRING, 16, "sending thread's command name"),
              new EventField("qr", Type.STRING, 2, "Q for a query, R for a response"),
              new EventField(
                  "pktType", Type.STRING, 9, "HOST (received) or OUTGOING (sent), as Linux says"),
              new EventField("qtype", Type.STRING, 10, "query type, e.g. A or AAAA"),
              new EventField("name", Type.STRING, 30, "queried name, with a trailing dot"),
              new EventField("rcode", Type.STRING, 8, "response code of a response"),
              new EventField(
                  "latency", Type.UINT, 10, "nanoseconds from the query to this response"),
              new EventField("numAnswers", Type.UINT, 8, "answer records in the response"),
              new EventField(
                  "addresses", Type.STRING_ARRAY, 32, "A and AAAA addresses in the response")));

  public static final GadgetDescriptor SNISNOOP =
      new GadgetDescriptor(
          "snisnoop",
          GadgetCategory.TRACE,
          "sni",
          "Trace the server names of TLS connections (SNI of the ClientHello)",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("pid", Type.UINT, 7, "sending process id, 0 when not known"),
              new EventField("tid", Type.UINT, 7, "sending thread id, 0 when not known"),
              new EventField("comm", Type.STRING, 16, "sending thread's command name"),
              new EventField("name", Type.STRING, 30, "server name the client asks for")));

  public static final GadgetDescriptor SOCKET_COLLECTOR =
      new GadgetDescriptor(
          "socket-collector",
          GadgetCategory.SNAPSHOT,
          "socket",
          "List the TCP and UDP sockets of the node's network namespaces",
          Set.of(COLLECT),
          Set.of(OutputMode.STATUS),
          true,
          List.of(
              ParameterDescriptor.of(
                      "protocol", ParameterType.STRING, "all", "only sockets of this protocol")
                  .withAllowedValues(List.of("all", "tcp", "udp"))),
          List.of(
              new EventField("protocol", Type.STRING, 8, "TCP or UDP"),
              new EventField("localAddress", Type.STRING, 16, "local address"),
              new EventField("localPort", Type.UINT, 9, "local port"),
              new EventField("remoteAddress", Type.STRING, 16, "remote address"),
              new EventField("remotePort", Type.UINT, 10, "remote port"),
              new EventField(
                  "status", Type.STRING, 12, "TCP state, or ACTIVE/INACTIVE (connected) for UDP"),
              new EventField("inodeNumber", Type.UINT, 9, "the socket's inode")));

  // Issue 19, helper h-syscalls: trace bind, mount, oomkill, fsslower, capabilities.

  /** The filesystems whose type names {@code fsslower} accepts (a superblock's s_type->name). */
  private static final List<String> FSSLOWER_FILESYSTEMS =
      List.of("btrfs", "ext4", "nfs", "overlay", "tmpfs", "xfs");

  public static final GadgetDescriptor BINDSNOOP =
      new GadgetDescriptor(
          "bindsnoop",
          GadgetCategory.TRACE,
          "bind",
          "Trace sockets binding to an address and port",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(
              ParameterDescriptor.of(
                      "pid", ParameterType.UINT, "0", "only binds by this process (0: any)")
                  .withRange(0L, PID_MAX),
              ParameterDescriptor.of(
                      "ports",
                      ParameterType.UINT_LIST,
                      "",
                      "only binds to these ports, comma-separated (empty: any)")
                  .withRange(1L, 65_535L),
              ParameterDescriptor.of(
                  "ignore_errors", ParameterType.BOOL, "true", "only binds that succeeded")),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("proto", Type.STRING, 5, "socket protocol, e.g. TCP or UDP"),
              new EventField("addr", Type.STRING, 16, "address asked for"),
              new EventField("port", Type.UINT, 5, "port asked for (0: any)"),
              new EventField(
                  "opts",
                  Type.STRING,
                  5,
                  "socket options, rRNTF: SO_REUSEPORT, SO_REUSEADDR,"
                      + " IP_BIND_ADDRESS_NO_PORT, IP_TRANSPARENT, IP_FREEBIND ('.' when unset)"),
              new EventField("if", Type.STRING, 12, "device the socket is bound to, or empty"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("gid", Type.UINT, 6, "group id"),
              new EventField("ret", Type.INT, 4, "0, or the negative errno of the bind")));

  public static final GadgetDescriptor MOUNTSNOOP =
      new GadgetDescriptor(
          "mountsnoop",
          GadgetCategory.TRACE,
          "mount",
          "Trace mount and umount, and the mount API of fsopen, fsconfig, fsmount, move_mount,"
              + " open_tree, mount_setattr and fspick",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("tid", Type.UINT, 7, "thread id"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("operation", Type.STRING, 13, "the system call, e.g. mount"),
              new EventField("ret", Type.INT, 4, "return value: 0 or a descriptor, or -errno"),
              new EventField("latency", Type.UINT, 9, "time in the system call, in ns"),
              new EventField("fs", Type.STRING, 8, "filesystem type"),
              new EventField("source", Type.STRING, 16, "source (device, path or mount)"),
              new EventField("target", Type.STRING, 16, "target path"),
              new EventField("data", Type.STRING, 16, "options or settings"),
              new EventField("flags", Type.STRING_ARRAY, 24, "flags by name"),
              new EventField("flagsRaw", Type.UINT, 10, "flags as a number")));

  public static final GadgetDescriptor OOMKILL =
      new GadgetDescriptor(
          "oomkill",
          GadgetCategory.TRACE,
          "oomkill",
          "Trace processes killed by the out-of-memory killer",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          List.of(
              new EventField("kpid", Type.UINT, 7, "killed process id"),
              new EventField("kcomm", Type.STRING, 16, "killed command name"),
              new EventField("kuid", Type.UINT, 6, "killed process's user id"),
              new EventField("pages", Type.UINT, 6, "resident pages of the killed process"),
              new EventField("tpid", Type.UINT, 7, "id of the process whose allocation failed"),
              new EventField(
                  "tcomm", Type.STRING, 16, "command of the process whose allocation failed")));

  public static final GadgetDescriptor FSSLOWER =
      new GadgetDescriptor(
          "fsslower",
          GadgetCategory.TRACE,
          "fsslower",
          "Trace open, read, write and fsync of files of one filesystem slower than a threshold",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(
              ParameterDescriptor.of(
                      "filesystem", ParameterType.STRING, "ext4", "filesystem type to trace")
                  .withAllowedValues(FSSLOWER_FILESYSTEMS),
              ParameterDescriptor.of(
                      "min", ParameterType.UINT, "10", "minimum latency to report, in ms")
                  .withRange(0L, 3_600_000L)),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("op", Type.STRING, 1, "R read, W write, O open, F fsync"),
              new EventField("bytes", Type.UINT, 10, "bytes read or written"),
              new EventField("offset", Type.INT, 10, "file offset of the read or write"),
              new EventField("latency", Type.UINT, 10, "time in the system call, in µs"),
              new EventField("file", Type.STRING, 24, "file name")));

  public static final GadgetDescriptor CAPABILITIES =
      new GadgetDescriptor(
          "capabilities",
          GadgetCategory.TRACE,
          "capabilities",
          "Trace security capability checks",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(
              ParameterDescriptor.of(
                  "unique",
                  ParameterType.BOOL,
                  "false",
                  "only the first check of each capability in each container")),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("syscall", Type.STRING, 16, "system call that checked"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("gid", Type.UINT, 6, "group id"),
              new EventField("cap", Type.INT, 3, "capability number"),
              new EventField("capName", Type.STRING, 18, "capability name, e.g. SYS_ADMIN"),
              new EventField("verdict", Type.STRING, 7, "Allow or Deny"),
              new EventField("targetuserns", Type.UINT, 10, "user namespace checked against"),
              new EventField("currentuserns", Type.UINT, 10, "user namespace of the process"),
              new EventField("caps", Type.UINT, 10, "effective capabilities, as a bit set"),
              new EventField(
                  "capsNames", Type.STRING_ARRAY, 24, "effective capabilities, by name")));

  // TCP gadgets (issue 19, h-tcp): events named after the socket's owner (see docs/gadgets.md).

  /** The largest TCP port. */
  private static final long PORT_MAX = 65_535L;

  /**
   * A TCP connection as tcpretrans and tcpdrop report it: the socket owner's pid and comm, then
   * this host's end first.
   */
  private static final List<EventField> TCP_CONNECTION_FIELDS =
      List.of(
          new EventField("pid", Type.UINT, 7, "process id of the socket's owner, 0 if unknown"),
          new EventField("comm", Type.STRING, 16, "command name of the socket's owner"),
          new EventField("ipversion", Type.UINT, 2, "4 or 6"),
          new EventField("saddr", Type.STRING, 16, "local address"),
          new EventField("sport", Type.UINT, 7, "local port"),
          new EventField("daddr", Type.STRING, 16, "remote address"),
          new EventField("dport", Type.UINT, 7, "remote port"),
          new EventField("state", Type.STRING, 12, "TCP state of the socket, e.g. ESTABLISHED"),
          new EventField("tcpflags", Type.STRING, 12, "flags of the segment, e.g. PSH|ACK"));

  public static final GadgetDescriptor TCPRETRANS =
      new GadgetDescriptor(
          "tcpretrans",
          GadgetCategory.TRACE,
          "tcpretrans",
          "Trace TCP retransmissions",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          TCP_CONNECTION_FIELDS);

  public static final GadgetDescriptor TCPDROP =
      new GadgetDescriptor(
          "tcpdrop",
          GadgetCategory.TRACE,
          "tcpdrop",
          "Trace TCP packets dropped by the kernel, with the reason",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(),
          Stream.concat(
                  TCP_CONNECTION_FIELDS.stream(),
                  Stream.of(
                      new EventField(
                          "reason", Type.STRING, 23, "the kernel's drop reason, e.g. NO_SOCKET")))
              .toList());

  public static final GadgetDescriptor TCPCONNECT =
      new GadgetDescriptor(
          "tcpconnect",
          GadgetCategory.TRACE,
          "tcpconnect",
          "Trace TCP connects, with their latency and error",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM, OutputMode.FILE),
          true,
          List.of(
              ParameterDescriptor.of(
                  "latency",
                  ParameterType.BOOL,
                  "false",
                  "report each connect when its handshake ends, with its latency"),
              ParameterDescriptor.of(
                      "min",
                      ParameterType.UINT,
                      "0",
                      "with latency: only connects that took at least this many milliseconds")
                  .withRange(0L, 3_600_000L)),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("uid", Type.UINT, 6, "user id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("ipversion", Type.UINT, 2, "4 or 6"),
              new EventField("saddr", Type.STRING, 16, "local address"),
              new EventField("daddr", Type.STRING, 16, "remote address"),
              new EventField("sport", Type.UINT, 7, "local port"),
              new EventField("dport", Type.UINT, 7, "remote port"),
              new EventField(
                  "latency", Type.UINT, 10, "nanoseconds from connect to the handshake's end"),
              new EventField("error", Type.INT, 5, "errno of a failed connect, else 0")));

  public static final GadgetDescriptor TCPRTT =
      new GadgetDescriptor(
          "tcprtt",
          GadgetCategory.PROFILE,
          "tcprtt",
          "Histogram of TCP round-trip times",
          Set.of(START, STOP),
          Set.of(OutputMode.STATUS),
          false,
          List.of(
              ParameterDescriptor.of(
                  "milliseconds",
                  ParameterType.BOOL,
                  "false",
                  "count milliseconds instead of microseconds"),
              ParameterDescriptor.of(
                      "lport", ParameterType.UINT, "0", "only this local port (0: any)")
                  .withRange(0L, PORT_MAX),
              ParameterDescriptor.of(
                      "rport", ParameterType.UINT, "0", "only this remote port (0: any)")
                  .withRange(0L, PORT_MAX),
              ParameterDescriptor.of(
                  "laddr", ParameterType.IPV4, "", "only this local IPv4 address"),
              ParameterDescriptor.of(
                  "raddr", ParameterType.IPV4, "", "only this remote IPv4 address"),
              ParameterDescriptor.of(
                  "laddrv6", ParameterType.IPV6, "", "only this local IPv6 address"),
              ParameterDescriptor.of(
                  "raddrv6", ParameterType.IPV6, "", "only this remote IPv6 address")),
          List.of());

  // profile cpu: stack samples at a frequency, reported at stop.

  public static final GadgetDescriptor PROFILE =
      new GadgetDescriptor(
          "profile",
          GadgetCategory.PROFILE,
          "cpu",
          "Analyze CPU performance by sampling stack traces",
          Set.of(START, STOP),
          Set.of(OutputMode.STATUS),
          true,
          List.of(
              ParameterDescriptor.of(
                  "user",
                  ParameterType.BOOL,
                  "false",
                  "user stacks only (no kernel stacks); not with kernel"),
              ParameterDescriptor.of(
                  "kernel",
                  ParameterType.BOOL,
                  "false",
                  "kernel stacks only (no user stacks); not with user"),
              ParameterDescriptor.of(
                      "frequency", ParameterType.UINT, "49", "samples per second on each CPU")
                  .withRange(1L, 10_000L)),
          List.of(
              new EventField("pid", Type.UINT, 7, "process id"),
              new EventField("comm", Type.STRING, 16, "command name"),
              new EventField("count", Type.UINT, 6, "samples of this process with these stacks"),
              new EventField("kernelStack", Type.STACK, 0, "kernel frames, innermost first"),
              new EventField("userStack", Type.STACK, 0, "user frames, innermost first")));

  private static final Map<String, GadgetDescriptor> BY_NAME =
      Stream.of(
              List.of(
                  EXECSNOOP,
                  OPENSNOOP,
                  SIGSNOOP,
                  TCPTRACER,
                  BIOLATENCY,
                  PROCESS_COLLECTOR,
                  SECCOMP,
                  FILETOP,
                  TCPTOP,
                  BIOTOP,
                  DNS,
                  SNISNOOP,
                  SOCKET_COLLECTOR),
              List.of(BINDSNOOP, MOUNTSNOOP, OOMKILL, FSSLOWER, CAPABILITIES),
              List.of(TCPRETRANS, TCPDROP, TCPCONNECT, TCPRTT),
              List.of(PROFILE))
          .flatMap(List::stream)
          .collect(Collectors.toUnmodifiableMap(GadgetDescriptor::name, Function.identity()));

  private GadgetCatalog() {}

  public static Optional<GadgetDescriptor> find(String name) {
    return Optional.ofNullable(name).map(BY_NAME::get);
  }

  private static List<String> names(List<EventField> fields) {
    return fields.stream().map(EventField::name).toList();
  }

  private static List<ParameterDescriptor> concat(
      List<ParameterDescriptor> first, ParameterDescriptor... more) {
    return Stream.concat(first.stream(), Arrays.stream(more)).toList();
  }

  /** Every gadget, ordered by category then name. */
  public static List<GadgetDescriptor> all() {
    return BY_NAME.values().stream()
        .sorted(
            Comparator.comparing(GadgetDescriptor::category).thenComparing(GadgetDescriptor::name))
        .toList();
  }
}
