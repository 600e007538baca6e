package io.gadgetflow.node.gadget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gadgetflow.api.event.CommonEventFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds synthetic event records as the BPF programs lay them out, for decoder tests. */
public final class EventRecords {
  public static final long BOOT_NANOS = 5_000_000_000L;
  public static final long MOUNT_NS_ID = 4026531841L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventRecords() {}

  /** A buffer positioned after a {@code struct gadget_event_header} it holds. */
  public static ByteBuffer withHeader(int recordBytes, int pid, int uid, String comm) {
    ByteBuffer record = ByteBuffer.allocate(recordBytes).order(ByteOrder.nativeOrder());
    record.putLong(BOOT_NANOS).putLong(MOUNT_NS_ID).putInt(pid).putInt(uid);
    byte[] commBytes = comm.getBytes(StandardCharsets.UTF_8);
    record.put(commBytes, 0, Math.min(commBytes.length, EventHeader.COMM_BYTES));
    record.position(EventHeader.BYTES);
    return record;
  }

  /** Ends a decoded event the way the agent does for a host process: node named, no pod. */
  public static void endAsHostEvent(JsonEventWriter out, String node) {
    out.field(JsonName.of(CommonEventFields.NODE), node);
    out.field(JsonName.of(CommonEventFields.NAMESPACE), "");
    out.field(JsonName.of(CommonEventFields.POD), "");
    out.field(JsonName.of(CommonEventFields.CONTAINER), "");
    out.endObject();
  }

  /** A decoded event as the agent sends it for the host: node named, no pod. */
  public static String asHostEvent(JsonNode event, String node) {
    return ((com.fasterxml.jackson.databind.node.ObjectNode) event.deepCopy())
        .put(CommonEventFields.NODE, node)
        .put(CommonEventFields.NAMESPACE, "")
        .put(CommonEventFields.POD, "")
        .put(CommonEventFields.CONTAINER, "")
        .toString();
  }

  public static JsonNode parse(JsonEventWriter out) {
    try {
      return JSON.readTree(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + out, e);
    }
  }
}
