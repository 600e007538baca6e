package io.gadgetflow.bench.ringbuf;

import static io.gadgetflow.bench.shared.Figures.check;
import static io.gadgetflow.bench.shared.Figures.median;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.bpf.PerCpuCounter;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.bpf.RingRecordHandler;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Drains a pre-filled ring of 32-byte records with GadgetFlow's Java reader and with libbpf's
 * ring_buffer__consume (a C program, run once per round), alternating, and prints both rates. Both
 * sides fill the ring with the same test program through BPF_PROG_TEST_RUN and add up the first
 * word of every record, so each drain reads every record and can be checked.
 *
 * <p>Run by bench/ringbuf/run.sh: RingBufferBench OBJECT LIBBPF_CONSUME [ROUNDS [RING_BYTES
 * [FILLS]]]
 */
public final class RingBufferBench {
  private static final int RECORD_BYTES_WITH_HEADER = 40;
  private static final int WARMUP_ROUNDS = 3;
  private static final int ETHERNET_HEADER_BYTES = 14;
  private static final int NEXT_SEQUENCE = 2;

  public static void main(String[] args) throws Exception {
    Path object = Path.of(args[0]);
    Path libbpfConsume = Path.of(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int ringBytes = args.length > 3 ? Integer.parseInt(args[3]) : 16 << 20;
    int fills = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    // As many records as the ring holds, less a few so that none is ever dropped.
    int records = ringBytes / RECORD_BYTES_WITH_HEADER - 16;

    List<Double> javaRates = new ArrayList<>();
    List<Double> libbpfRates = new ArrayList<>();
    try (BpfObject bpf = BpfObject.open("ringwriter", Files.readAllBytes(object))) {
      bpf.map("events").setMaxEntries(ringBytes);
      bpf.load();
      BpfProgram writer = bpf.program("write_records");
      try (RingBufferReader reader = RingBufferReader.open(bpf.map("events"));
          PerCpuCounter lost = new PerCpuCounter(bpf.map("lost"))) {
        ChecksumHandler handler = new ChecksumHandler();
        long written = 0;
        for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
          long nanos = 0;
          for (int fill = 0; fill < fills; fill++) {
            writer.testRun(fillCommand(), records);
            handler.checksum = 0;
            long start = System.nanoTime();
            int drained = reader.drain(handler);
            nanos += System.nanoTime() - start;
            check(drained == records && lost.sum() == 0, "Java drained " + drained);
            check(handler.checksum == sequenceSum(written, records), "Java checksum");
            written += records;
          }
          if (round >= 0) {
            javaRates.add(rate((long) records * fills, nanos));
            libbpfRates.add(runLibbpf(libbpfConsume, object, ringBytes, records, fills));
            System.out.printf(
                Locale.ROOT,
                "round %d: java %6.1f M records/s   libbpf %6.1f M records/s%n",
                round + 1,
                javaRates.getLast() / 1e6,
                libbpfRates.getLast() / 1e6);
          }
        }
      }
    }
    double java = median(javaRates);
    double libbpf = median(libbpfRates);
    System.out.printf(
        Locale.ROOT,
        "median of %d rounds, each %d fills of %d records of 32 bytes in a %d KiB ring:%n"
            + "  java   %6.1f M records/s%n  libbpf %6.1f M records/s%n  ratio  %.2fx%n",
        rounds,
        fills,
        records,
        ringBytes >> 10,
        java / 1e6,
        libbpf / 1e6,
        java / libbpf);
  }

  /** What a consumer does at the least: read each record. */
  private static final class ChecksumHandler implements RingRecordHandler {
    long checksum;

    @Override
    public void onRecord(MemorySegment ring, long offset, int length) {
      checksum += ring.get(JAVA_LONG_UNALIGNED, offset);
    }
  }

  private static double runLibbpf(
      Path libbpfConsume, Path object, int ringBytes, int records, int fills)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                libbpfConsume.toString(),
                object.toString(),
                Integer.toString(ringBytes),
                Integer.toString(records),
                Integer.toString(fills))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    check(process.waitFor() == 0, "libbpf_consume failed: " + output);
    long drained = 0;
    long nanos = 0;
    long checksum = -1;
    for (String field : output.split(" ")) {
      String[] pair = field.split("=");
      switch (pair[0]) {
        case "records" -> drained = Long.parseLong(pair[1]);
        case "nanos" -> nanos = Long.parseLong(pair[1]);
        case "checksum" -> checksum = Long.parseLong(pair[1]);
        default -> throw new IllegalStateException("unexpected output: " + output);
      }
    }
    long total = (long) records * fills;
    check(drained == total && checksum == sequenceSum(0, total), "libbpf: " + output);
    return rate(drained, nanos);
  }

  private static byte[] fillCommand() {
    return ByteBuffer.allocate(ETHERNET_HEADER_BYTES + 8)
        .order(ByteOrder.nativeOrder())
        .position(ETHERNET_HEADER_BYTES)
        .putInt(NEXT_SEQUENCE)
        .putInt(0)
        .array();
  }

  private static long sequenceSum(long first, long count) {
    return count * first + count * (count - 1) / 2;
  }

  private static double rate(long records, long nanos) {
    return records * 1e9 / nanos;
  }
}
