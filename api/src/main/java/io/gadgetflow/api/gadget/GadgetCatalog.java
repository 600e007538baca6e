package io.gadgetflow.api.gadget;

import static io.gadgetflow.api.trace.Operation.COLLECT;
import static io.gadgetflow.api.trace.Operation.GENERATE;
import static io.gadgetflow.api.trace.Operation.START;
import static io.gadgetflow.api.trace.Operation.STOP;

import io.gadgetflow.api.gadget.EventField.Type;
import io.gadgetflow.api.trace.OutputMode;
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

  private static final Map<String, GadgetDescriptor> BY_NAME =
      List.of(
              EXECSNOOP,
              OPENSNOOP,
              SIGSNOOP,
              TCPTRACER,
              BIOLATENCY,
              PROCESS_COLLECTOR,
              SECCOMP,
              TCPRETRANS,
              TCPDROP,
              TCPRTT)
          .stream()
          .collect(Collectors.toUnmodifiableMap(GadgetDescriptor::name, Function.identity()));

  private GadgetCatalog() {}

  public static Optional<GadgetDescriptor> find(String name) {
    return Optional.ofNullable(name).map(BY_NAME::get);
  }

  /** Every gadget, ordered by category then name. */
  public static List<GadgetDescriptor> all() {
    return BY_NAME.values().stream()
        .sorted(
            Comparator.comparing(GadgetDescriptor::category).thenComparing(GadgetDescriptor::name))
        .toList();
  }
}
