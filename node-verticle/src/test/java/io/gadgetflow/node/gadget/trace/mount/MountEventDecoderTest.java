package io.gadgetflow.node.gadget.trace.mount;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MountEventDecoderTest {
  private static final int STRINGS_OFFSET = 96;

  private final MountEventDecoder decoder = new MountEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAMountWithItsStringsFlagsAndResult() {
    JsonNode event =
        decode(
            record(
                0, 0x6, 0, 0, 0, 0, "overlay", "/run/containerd/rootfs", "overlay", "lowerdir=/a"));

    assertThat(event.get("comm").asText()).isEqualTo("containerd");
    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("tid").asLong()).isEqualTo(78);
    assertThat(event.get("operation").asText()).isEqualTo("mount");
    assertThat(event.get("ret").asInt()).isZero();
    assertThat(event.get("latency").asLong()).isEqualTo(12_345);
    assertThat(event.get("source").asText()).isEqualTo("overlay");
    assertThat(event.get("target").asText()).isEqualTo("/run/containerd/rootfs");
    assertThat(event.get("fs").asText()).isEqualTo("overlay");
    assertThat(event.get("data").asText()).isEqualTo("lowerdir=/a");
    assertThat(MountGadgetIT.names(event.get("flags"))).containsExactly("MS_NOSUID", "MS_NODEV");
    assertThat(event.get("flagsRaw").asLong()).isEqualTo(6);
  }

  @Test
  void theMagicNumberOfOldProgramsIsNotNamed() {
    JsonNode event = decode(record(0, 0xC0ED0001L, 0, 0, 0, 0, "a", "b", "c", ""));

    assertThat(MountGadgetIT.names(event.get("flags"))).containsExactly("MS_RDONLY");
    assertThat(event.get("flagsRaw").asLong()).isEqualTo(0xC0ED0001L);
  }

  @Test
  void theMountApiIsDecodedWithItsOwnFlagsAndAttributes() {
    JsonNode fsmount = decode(record(4, 0x1, 0x2 | 0x10, 0, 0, 5, "src", "", "tmpfs", ""));
    assertThat(fsmount.get("operation").asText()).isEqualTo("fsmount");
    assertThat(MountGadgetIT.names(fsmount.get("flags"))).containsExactly("FSMOUNT_CLOEXEC");
    assertThat(fsmount.get("data").asText())
        .isEqualTo("attr_flags=MOUNT_ATTR_NOATIME|MOUNT_ATTR_NOSUID");
    assertThat(fsmount.get("ret").asInt()).isEqualTo(5);

    JsonNode setattr =
        decode(record(8, 0x1000 | 0x8000, 0x1, 0x70, 1L << 18, 0, "", "/mnt", "", ""));
    assertThat(setattr.get("operation").asText()).isEqualTo("mount_setattr");
    assertThat(MountGadgetIT.names(setattr.get("flags")))
        .containsExactly("AT_EMPTY_PATH", "AT_RECURSIVE");
    assertThat(setattr.get("data").asText())
        .isEqualTo("attr_set=MOUNT_ATTR_RDONLY,attr_clr=MOUNT_ATTR__ATIME,propagation=MS_PRIVATE");

    JsonNode fsconfig = decode(record(3, 6, 0, 0, 0, 0, "", "", "ext4", ""));
    assertThat(MountGadgetIT.names(fsconfig.get("flags"))).containsExactly("FSCONFIG_CMD_CREATE");

    JsonNode umount = decode(record(1, 0x2 | 0x100, 0, 0, 0, 0, "", "/mnt", "", ""));
    assertThat(MountGadgetIT.names(umount.get("flags"))).containsExactly("MNT_DETACH", "0x100");
  }

  @Test
  void malformedRecordsAreCountedAndSkipped() {
    ByteBuffer unknownOperation = record(10, 0, 0, 0, 0, 0, "", "", "", "");
    ByteBuffer tooLongStrings = record(0, 0, 0, 0, 0, 0, "", "", "", "");
    tooLongStrings.putInt(STRINGS_OFFSET - 4, 10_000);
    ByteBuffer valid = record(0, 0, 0, 0, 0, 0, "", "", "", "");

    assertThat(decodes(unknownOperation, unknownOperation.limit())).isFalse();
    assertThat(decodes(tooLongStrings, tooLongStrings.limit())).isFalse();
    assertThat(decodes(valid, STRINGS_OFFSET - 1)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(3);
  }

  /** A record as the program sends it: cut after its strings. */
  private static ByteBuffer record(
      int operation,
      long flags,
      long attrSet,
      long attrClear,
      long propagation,
      int ret,
      String source,
      String target,
      String fs,
      String data) {
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    for (String string : new String[] {source, target, fs, data}) {
      strings.writeBytes(string.getBytes(StandardCharsets.UTF_8));
      strings.write(0);
    }
    ByteBuffer record =
        EventRecords.withHeader(STRINGS_OFFSET + strings.size(), 77, 0, "containerd");
    record.putLong(12_345).putLong(flags).putLong(attrSet).putLong(attrClear).putLong(propagation);
    record.putInt(ret).putInt(78).put((byte) operation).put(new byte[3]).putInt(strings.size());
    record.put(strings.toByteArray());
    return record.flip();
  }

  private boolean decodes(ByteBuffer record, int length) {
    return decoder.decode(MemorySegment.ofArray(record.array()), 0, length, out);
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(decodes(record, record.limit())).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-mountsnoop.json", out.toString());
    return EventRecords.parse(out);
  }
}
