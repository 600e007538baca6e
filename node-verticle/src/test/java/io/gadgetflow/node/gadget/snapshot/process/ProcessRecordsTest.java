package io.gadgetflow.node.gadget.snapshot.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.testing.RecordSchemas;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessRecordsTest {

  @Test
  void decodesRecordsSortedByPidThenThread() {
    ByteBuffer records = ByteBuffer.allocate(3 * 48).order(ByteOrder.nativeOrder());
    put(records, 200, 201, "worker");
    put(records, 200, 200, "server");
    put(records, 1, 1, "init");

    assertThat(ProcessRecords.decode(records.array()))
        .extracting(ProcessEntry::comm)
        .containsExactly("init", "server", "worker");
    assertThat(ProcessRecords.decode(records.array()).getFirst())
        .isEqualTo(new ProcessEntry("init", 1, 1, 7, 1000, 100, 4026531841L));
    RecordSchemas.assertValid(
        "snapshot-process-collector.json",
        new String(Json.encode(ProcessRecords.decode(records.array())), StandardCharsets.UTF_8));
  }

  @Test
  void aPartialRecordIsAnError() {
    assertThatThrownBy(() -> ProcessRecords.decode(new byte[50]))
        .hasMessageContaining("not whole records");
  }

  private static void put(ByteBuffer records, int pid, int tid, String comm) {
    records.putLong(4026531841L).putInt(pid).putInt(tid).putInt(7).putInt(1000).putInt(100);
    byte[] name = new byte[16];
    byte[] bytes = comm.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, name, 0, bytes.length);
    records.put(name).putInt(0);
  }
}
