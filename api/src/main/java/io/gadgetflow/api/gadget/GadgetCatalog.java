package io.gadgetflow.api.gadget;

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

/**
 * The one list of gadgets GadgetFlow has. The controller validates Traces against it, the node
 * agent runs what it names, and the web UI and CLI render it.
 */
public final class GadgetCatalog {

  public static final GadgetDescriptor EXECSNOOP =
      new GadgetDescriptor(
          "execsnoop",
          GadgetCategory.TRACE,
          "exec",
          "Trace new processes (execve)",
          Set.of(START, STOP),
          Set.of(OutputMode.STREAM),
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
          Set.of(OutputMode.STREAM),
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

  private static final Map<String, GadgetDescriptor> BY_NAME =
      List.of(EXECSNOOP, OPENSNOOP).stream()
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
