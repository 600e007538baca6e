package io.gadgetflow.node.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RingBufferReaderIT {
  private static final int ONE_PAGE = 4096;

  @Test
  void handsOverExactlyTheCommittedRecordsInOrder() {
    try (RingWriter writer = RingWriter.load(ONE_PAGE);
        RingBufferReader reader = RingBufferReader.open(writer.events())) {
      byte[] first = bytes(5, 1);
      byte[] second = bytes(100, 2);
      byte[] third = bytes(1, 3);
      writer.write(first);
      writer.writeDiscarded();
      writer.write(second);
      writer.writeDiscarded();
      writer.write(third);

      RecordingHandler handler = new RecordingHandler();
      assertThat(reader.drain(handler)).isEqualTo(3);

      assertThat(handler.records).containsExactly(first, second, third);
      assertThat(handler.batches).isEqualTo(1);
      assertThat(reader.drain(handler)).isZero();
    }
  }

  @Test
  void recordsWrappingTheRingsEndArriveWhole() {
    Random random = new Random(42);
    try (RingWriter writer = RingWriter.load(ONE_PAGE);
        RingBufferReader reader = RingBufferReader.open(writer.events())) {
      List<byte[]> written = new ArrayList<>();
      RecordingHandler handler = new RecordingHandler();
      for (int round = 0; round < 40; round++) {
        // Three records of at most 1008 bytes with their headers always fit in one page.
        for (int i = 0; i < 3; i++) {
          byte[] payload = bytes(1 + random.nextInt(1000), written.size());
          writer.write(payload);
          written.add(payload);
        }
        if (round % 7 == 3) {
          writer.writeDiscarded();
        }
        reader.drain(handler);
      }

      assertThat(handler.records).containsExactlyElementsOf(written);
      long wrapped =
          countWhere(
              handler.offsets,
              handler.records,
              (offset, record) -> offset + record.length > ONE_PAGE);
      assertThat(wrapped).as("records that straddle the end of the ring").isPositive();
    }
  }

  @Test
  void pollWaitsForRecordsAndReturnsThem() throws Exception {
    try (RingWriter writer = RingWriter.load(ONE_PAGE);
        RingBufferReader reader = RingBufferReader.open(writer.events())) {
      RecordingHandler handler = new RecordingHandler();
      assertThat(reader.poll(handler, 10)).isZero();

      CompletableFuture<Integer> polled =
          CompletableFuture.supplyAsync(
              () -> reader.poll(handler, 60_000), platformThread("waiting-reader"));
      NativeThreads.awaitBlockedInEpollWait("waiting-reader");
      byte[] payload = bytes(24, 9);
      writer.write(payload);

      assertThat(polled.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(handler.records).containsExactly(payload);
    }
  }

  @Test
  void closeWakesABlockedReaderPromptly() throws Exception {
    try (RingWriter writer = RingWriter.load(ONE_PAGE)) {
      RingBufferReader reader = RingBufferReader.open(writer.events());
      CompletableFuture<Integer> polled =
          CompletableFuture.supplyAsync(
              () -> reader.poll(new RecordingHandler(), -1), platformThread("blocked-reader"));
      NativeThreads.awaitBlockedInEpollWait("blocked-reader");

      long start = System.nanoTime();
      reader.close();

      assertThat(polled.get(5, TimeUnit.SECONDS)).isEqualTo(RingBufferReader.CLOSED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(reader.drain(new RecordingHandler())).isEqualTo(RingBufferReader.CLOSED);
    }
  }

  @Test
  void closingFromInsideTheHandlerEndsTheReadAfterThePass() {
    try (RingWriter writer = RingWriter.load(ONE_PAGE)) {
      RingBufferReader reader = RingBufferReader.open(writer.events());
      writer.write(bytes(8, 1));
      writer.write(bytes(8, 2));
      RecordingHandler handler = new RecordingHandler();

      int delivered =
          reader.drain(
              new RingRecordHandler() {
                @Override
                public void onRecord(MemorySegment ring, long offset, int length) {
                  handler.onRecord(ring, offset, length);
                  reader.close();
                }

                @Override
                public void onBatchEnd() {
                  writer.write(bytes(8, 3));
                }
              });

      assertThat(delivered).isEqualTo(2);
      assertThat(handler.records).containsExactly(bytes(8, 1), bytes(8, 2));
      assertThat(reader.isClosed()).isTrue();
      assertThat(reader.drain(handler)).isEqualTo(RingBufferReader.CLOSED);
    }
  }

  @Test
  void aFullRingCountsWhatItDropsAsLost() {
    int attempted = 1000;
    try (RingWriter writer = RingWriter.load(ONE_PAGE);
        RingBufferReader reader = RingBufferReader.open(writer.events());
        PerCpuCounter lost = new PerCpuCounter(writer.lost())) {
      writer.writeSequence(attempted);

      RecordingHandler handler = new RecordingHandler();
      int delivered = reader.drain(handler);

      assertThat(delivered).isPositive().isLessThan(attempted);
      assertThat(delivered + lost.sum()).isEqualTo(attempted);
      for (int i = 0; i < delivered; i++) {
        assertThat(sequenceNumber(handler.records.get(i))).isEqualTo(i);
      }
    }
  }

  /**
   * The kernel writes while the reader reads, on another CPU: every record arrives once, whole and
   * in order, and what does not arrive was counted as lost when the ring was full.
   */
  @Test
  void aProducerOnAnotherThreadAndTheReaderAgreeOnEveryRecord() throws Exception {
    int rounds = 400;
    int perRound = 250;
    try (RingWriter writer = RingWriter.load(ONE_PAGE);
        RingBufferReader reader = RingBufferReader.open(writer.events());
        PerCpuCounter lost = new PerCpuCounter(writer.lost())) {
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(
              () -> {
                for (int round = 0; round < rounds; round++) {
                  writer.writeSequence(perRound);
                }
              },
              platformThread("ring-producer"));
      RecordingHandler handler = new RecordingHandler();
      while (!producing.isDone()) {
        reader.poll(handler, 10);
      }
      producing.get();
      reader.drain(handler);

      assertThat(handler.records.size() + lost.sum()).isEqualTo((long) rounds * perRound);
      assertThat(handler.batches).as("reads that overlapped the writing").isGreaterThan(1);
      for (int i = 0; i < handler.records.size(); i++) {
        ByteBuffer record = ByteBuffer.wrap(handler.records.get(i)).order(ByteOrder.nativeOrder());
        assertThat(record.getLong(0)).as("sequence of record %d", i).isEqualTo(i);
        assertThat(record.getLong(8)).as("complement of record %d", i).isEqualTo(~(long) i);
      }
    }
  }

  private static long sequenceNumber(byte[] record) {
    return ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()).getLong(0);
  }

  private static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return bytes;
  }

  private interface OffsetPredicate {
    boolean test(long offset, byte[] record);
  }

  private static long countWhere(List<Long> offsets, List<byte[]> records, OffsetPredicate p) {
    long count = 0;
    for (int i = 0; i < offsets.size(); i++) {
      if (p.test(offsets.get(i), records.get(i))) {
        count++;
      }
    }
    return count;
  }

  private static Executor platformThread(String name) {
    return task -> Thread.ofPlatform().name(name).daemon().start(task);
  }
}
