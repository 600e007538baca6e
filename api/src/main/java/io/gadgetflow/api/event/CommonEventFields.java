package io.gadgetflow.api.event;

import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.EventField.Type;
import java.util.List;

/** The fields every event carries, with Inspektor Gadget's names. */
public final class CommonEventFields {
  public static final String NODE = "node";
  public static final String NAMESPACE = "namespace";
  public static final String POD = "pod";
  public static final String CONTAINER = "container";
  public static final String TIMESTAMP = "timestamp";
  public static final String TYPE = "type";
  public static final String MESSAGE = "message";
  public static final String MOUNT_NS_ID = "mountnsid";

  public static final List<EventField> FIELDS =
      List.of(
          new EventField(NODE, Type.STRING, 16, "node the event happened on"),
          new EventField(NAMESPACE, Type.STRING, 16, "pod namespace"),
          new EventField(POD, Type.STRING, 16, "pod name"),
          new EventField(CONTAINER, Type.STRING, 16, "container name"),
          new EventField(TIMESTAMP, Type.TIMESTAMP, 20, "nanoseconds since the epoch"),
          new EventField(TYPE, Type.STRING, 6, "normal, err, warn, debug or info"),
          new EventField(MESSAGE, Type.STRING, 30, "what a non-normal event says"),
          new EventField(MOUNT_NS_ID, Type.UINT, 11, "mount namespace id of the process"));

  private CommonEventFields() {}
}
