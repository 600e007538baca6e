package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.testing.PoisonRecords;
import io.gadgetflow.testing.SeededCases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl gadget} keeps printing whatever a node, or anybody who may write the events topic,
 * sends: every printer takes every event the events topic passes on (one JSON object, of any shape)
 * and every result a Trace's status can hold, without throwing.
 */
class EventPrinterPropertiesTest {
  private static final String UID = "6f1c2a9e-0b7d-4a53-9d59-3e2f1c0b8a71";
  private static final String TOP_REPORT =
      "{\"timestamp\":1,\"type\":\"normal\",\"interval\":1,\"stats\":[{\"pid\":1,\"comm\":\"dd\","
          + "\"writes\":2,\"wbytes\":4096,\"filename\":\"a\",\"node\":\"n1\"},{\"pid\":2,"
          + "\"writes\":\"many\",\"filename\":7}],\"node\":\"n1\"}";
  private static final String EXEC_EVENT =
      "{\"timestamp\":1795601076143759629,\"type\":\"normal\",\"pid\":4,\"ppid\":1,"
          + "\"comm\":\"true\",\"ret\":0,\"args\":[\"/bin/true\",\"x\"],\"node\":\"n1\"}";

  private static final List<String> RESULTS =
      List.of(
          "{\"valType\":\"usecs\",\"data\":[{\"count\":3,\"intervalStart\":0,\"intervalEnd\":1},{\"count\":9223372036854775807,\"intervalStart\":2,\"intervalEnd\":3}]}",
          "{\"list\":[{\"pid\":1,\"comm\":\"init\",\"node\":\"n1\"}]}");
  private static final List<String> PRINTERS =
      List.of(
          "exec columns",
          "exec json",
          "process columns",
          "biolatency columns",
          "top columns",
          "top on a terminal");

  @Test
  void everyPrinterTakesAnyEventTheTopicPassesOn() {
    SeededCases.check(
        1500,
        random -> {
          Printer printer = printer(random);
          if (ContractRecords.event(UID, event(random), Integer.MAX_VALUE)
              instanceof Read.Valid<String>(String json)) {
            printer.printer().event(json);
          }
        });
  }

  @Test
  void everyPrinterTakesAnyResult() {
    SeededCases.check(
        1000,
        random -> {
          Printer printer = printer(random);
          String good = RESULTS.get(random.nextInt(RESULTS.size()));
          byte[] output = PoisonRecords.value(good.getBytes(StandardCharsets.UTF_8), random);
          printer.printer().result("n1", new String(output, StandardCharsets.UTF_8));
        });
  }

  @Test
  void aTopTableSortsRowsWhoseColumnsDisagreeInType() {
    SeededCases.check(
        300,
        random -> {
          Printer top = Printer.top(true);
          top.printer().event(TOP_REPORT);
          if (ContractRecords.event(UID, event(random), Integer.MAX_VALUE)
              instanceof Read.Valid<String>(String json)) {
            top.printer().event(json);
          }
          assertThat(top.out().toString()).contains("FILENAME");
        });
  }

  /** A printer and what it wrote. */
  record Printer(String name, EventPrinter printer, StringWriter out) {
    static Printer of(String name, GadgetDescriptor gadget, String format) {
      StringWriter out = new StringWriter();
      return new Printer(
          name,
          EventPrinter.of(
              OutputFormat.parse(format, gadget),
              gadget,
              Map.of(),
              false,
              new PrintWriter(out),
              new PrintWriter(new StringWriter())),
          out);
    }

    static Printer top(boolean terminal) {
      StringWriter out = new StringWriter();
      return new Printer(
          "top on a terminal",
          EventPrinter.of(
              OutputFormat.parse("columns", GadgetCatalog.FILETOP),
              GadgetCatalog.FILETOP,
              Map.of("sort_by", "-wbytes,filename"),
              terminal,
              new PrintWriter(out),
              new PrintWriter(new StringWriter())),
          out);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A fresh printer of any gadget and format. */
  private static Printer printer(RandomGenerator random) {
    String name = PRINTERS.get(random.nextInt(PRINTERS.size()));
    return switch (name) {
      case "exec columns" -> Printer.of(name, GadgetCatalog.EXECSNOOP, "columns");
      case "exec json" -> Printer.of(name, GadgetCatalog.EXECSNOOP, "json");
      case "process columns" -> Printer.of(name, GadgetCatalog.PROCESS_COLLECTOR, "columns");
      case "biolatency columns" -> Printer.of(name, GadgetCatalog.BIOLATENCY, "columns");
      case "top columns" -> Printer.of(name, GadgetCatalog.FILETOP, "columns");
      default -> Printer.top(true);
    };
  }

  /** An event value made from an exec event or a top report. */
  private static byte[] event(RandomGenerator random) {
    String good = random.nextBoolean() ? EXEC_EVENT : TOP_REPORT;
    return PoisonRecords.value(good.getBytes(StandardCharsets.UTF_8), random);
  }
}
