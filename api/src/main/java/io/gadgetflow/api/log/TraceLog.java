package io.gadgetflow.api.log;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * One structured log line about a significant action, the same in every role: {@code action=<what>
 * trace=<namespace>/<name> uid=<uid>} then further {@code key=value} pairs (logfmt). Values with
 * spaces, quotes or equals signs are quoted, so a line splits unambiguously. Pass it as the
 * argument of {@code LOG.info("{}", line)}: it is rendered only when the level is enabled.
 */
public final class TraceLog {
  private final List<String> pairs = new ArrayList<>();

  private TraceLog(String action) {
    field("action", action);
  }

  /**
   * @param action what happened, in kebab case, e.g. {@code operation-published}
   */
  public static TraceLog action(String action) {
    return new TraceLog(action);
  }

  /** An action on a Trace: its name, uid, node and gadget. */
  public static TraceLog about(String action, Trace trace) {
    TraceLog line =
        action(action)
            .trace(
                trace.getMetadata().getNamespace(),
                trace.getMetadata().getName(),
                trace.getMetadata().getUid());
    return trace.getSpec() == null
        ? line
        : line.field("node", trace.getSpec().getNode())
            .field("gadget", trace.getSpec().getGadget());
  }

  /** An action on the Trace a control record describes: its name, uid, node and gadget. */
  public static TraceLog about(String action, ControlRecord record) {
    return action(action)
        .trace(record.traceNamespace(), record.traceName(), record.traceUid())
        .field("node", record.node())
        .field("gadget", record.gadget());
  }

  /** The Trace concerned: its {@code namespace/name} and, when known, its uid. */
  public TraceLog trace(String namespace, String name, String uid) {
    field("trace", namespace + "/" + name);
    return uid == null ? this : field("uid", uid);
  }

  /** A further pair; a null value is left out. */
  public TraceLog field(String key, Object value) {
    if (value != null) {
      pairs.add(key + "=" + quoteIfNeeded(value.toString()));
    }
    return this;
  }

  @Override
  public String toString() {
    return String.join(" ", pairs);
  }

  private static String quoteIfNeeded(String value) {
    boolean plain =
        !value.isEmpty()
            && value
                .chars()
                .noneMatch(c -> c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f);
    if (plain) {
      return value;
    }
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"', '\\' -> quoted.append('\\').append(c);
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
