package io.gadgetflow.node.trace;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.LostEventsWarning;

/**
 * A warning event the node agent writes about a trace itself: when its events stop or start again
 * for a reason of the agent's own, and when some of them were lost. No process did anything, so it
 * names none ({@code mountnsid} 0, empty container fields).
 */
final class AgentWarning {
  /** Written when the agent stops (its pod is deleted, say) while the trace should run on. */
  static final String STOPPING =
      "node agent stopping: nothing is traced from now until a node agent runs this gadget again";

  /** Written when a restarted agent runs the trace's gadget again. */
  static final String RESUMED =
      "node agent restarted: this gadget runs again; nothing was traced from when the previous"
          + " node agent stopped until now";

  private static final JsonName TIMESTAMP = JsonName.of(CommonEventFields.TIMESTAMP);
  private static final JsonName TYPE = JsonName.of(CommonEventFields.TYPE);
  private static final JsonName MESSAGE = JsonName.of(CommonEventFields.MESSAGE);
  private static final JsonName MOUNT_NS_ID = JsonName.of(CommonEventFields.MOUNT_NS_ID);
  private static final JsonName NODE = JsonName.of(CommonEventFields.NODE);
  private static final JsonName NAMESPACE = JsonName.of(CommonEventFields.NAMESPACE);
  private static final JsonName POD = JsonName.of(CommonEventFields.POD);
  private static final JsonName CONTAINER = JsonName.of(CommonEventFields.CONTAINER);

  private AgentWarning() {}

  static byte[] json(String nodeName, long epochNanos, String message) {
    JsonEventWriter out = new JsonEventWriter();
    out.beginObject();
    out.epochNanosField(TIMESTAMP, epochNanos);
    out.field(TYPE, "warn");
    out.field(MESSAGE, message);
    return namingNoProcess(nodeName, out);
  }

  /** The warning about {@code lost} events ({@link LostEventsWarning}). */
  static byte[] lostEvents(String nodeName, long epochNanos, Losses lost) {
    JsonEventWriter out = new JsonEventWriter();
    LostEventsWarning.begin(out, epochNanos, lost);
    return namingNoProcess(nodeName, out);
  }

  private static byte[] namingNoProcess(String nodeName, JsonEventWriter out) {
    out.field(MOUNT_NS_ID, 0);
    out.field(NODE, nodeName);
    out.field(NAMESPACE, "");
    out.field(POD, "");
    out.field(CONTAINER, "");
    out.endObject();
    return out.toByteArray();
  }
}
