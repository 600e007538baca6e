package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the fault ITs assert of an {@link OperationLedger}'s operations. */
final class OperationAssertions {
  private static final Logger LOG = LoggerFactory.getLogger(OperationAssertions.class);

  private OperationAssertions() {}

  /** Each operation annotated handed to the node once, in order, and answered once. */
  static void assertEveryOperationRanOnce(OperationLedger ledger) {
    assertAnsweredOnce(
        ledger, assertEveryOperationHandedOverOnce(ledger), ledger.annotated().keySet());
  }

  /**
   * Each operation annotated handed to the node once (one control record under its own id), in
   * order; returns the ids handed over, by Trace name.
   */
  static Map<String, List<String>> assertEveryOperationHandedOverOnce(OperationLedger ledger) {
    Map<String, List<OperationLedger.Handed>> published = ledger.handedOver();
    LOG.info("annotated {}, published {}", ledger.annotated(), published);
    Map<String, List<String>> ids = new TreeMap<>();
    for (Map.Entry<String, List<String>> trace : ledger.annotated().entrySet()) {
      String name = trace.getKey();
      List<OperationLedger.Handed> operations = published.getOrDefault(name, List.of());
      assertThat(operations)
          .as("%s: each operation annotated handed to the node once, in order", name)
          .extracting(OperationLedger.Handed::operation)
          .containsExactlyElementsOf(trace.getValue());
      ids.put(name, operations.stream().map(OperationLedger.Handed::id).toList());
      assertThat(ids.get(name))
          .as("%s: one control record per operation", name)
          .doesNotHaveDuplicates();
    }
    return ids;
  }

  /** The node answered each operation of {@code traces} in {@code handedOver} once. */
  static void assertAnsweredOnce(
      OperationLedger ledger, Map<String, List<String>> handedOver, Collection<String> traces) {
    Map<String, List<String>> answers = ledger.answers();
    LOG.info("answered {}", answers);
    for (String name : traces) {
      assertThat(answers.getOrDefault(name, List.of()))
          .as("%s: the node answered each operation once", name)
          .containsExactlyElementsOf(handedOver.get(name));
    }
  }
}
