package io.gadgetflow.controller.reconcile;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.trace.ExternalResourceName;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a Trace may reach beyond its own namespace, as the administrator configured it
 * (docs/security.md). A Trace in a node-wide namespace ({@code gadget} by default, as in Inspektor
 * Gadget) may trace the whole node. A Trace in any other namespace is a tenant's: it sees only the
 * pods of its own namespace, never host processes, so its filter may name no other namespace and
 * the controller hands its node a filter that names its namespace when it has none; the node agent
 * then selects only those pods' namespaces in the kernel filter. Gadgets that see the whole node
 * and take no filter run only in node-wide namespaces. An {@code ExternalResource} is written into
 * the Trace's own namespace, or one the administrator allows.
 *
 * @param nodeWideNamespaces namespaces whose Traces trace the whole node; {@code *} for every
 *     namespace, as Inspektor Gadget itself has it
 * @param externalResourceNamespaces namespaces any Trace may write its ExternalResource into
 */
public record TracePolicy(Set<String> nodeWideNamespaces, Set<String> externalResourceNamespaces) {
  public static final TracePolicy DEFAULTS =
      new TracePolicy(Set.of(Trace.DEFAULT_NAMESPACE), Set.of());

  /** Every namespace's Traces trace the whole node: no tenants. */
  public static final TracePolicy NO_TENANTS = new TracePolicy(Set.of("*"), Set.of());

  public TracePolicy {
    nodeWideNamespaces = Set.copyOf(nodeWideNamespaces);
    externalResourceNamespaces = Set.copyOf(externalResourceNamespaces);
  }

  /** Why {@code trace} reaches further than its namespace allows, or empty when it does not. */
  public Optional<String> refusal(Trace trace) {
    String namespace = trace.getMetadata().getNamespace();
    TraceSpec spec = trace.getSpec();
    if (!isNodeWide(namespace)) {
      Optional<GadgetDescriptor> gadget = GadgetCatalog.find(spec.getGadget());
      if (gadget.isPresent() && !gadget.get().supportsFilter()) {
        return Optional.of(
            "Gadget \"%s\" sees the whole node; a Trace in namespace \"%s\" sees only the pods of its own namespace (node-wide Traces belong in %s)"
                .formatted(spec.getGadget(), namespace, names(nodeWideNamespaces)));
      }
      List<String> asked = spec.getFilter() == null ? List.of() : spec.getFilter().namespaces();
      if (asked.stream().anyMatch(other -> !other.equals(namespace))) {
        return Optional.of(
            "Filter namespace \"%s\" is outside namespace \"%s\": a Trace there sees only the pods of its own namespace (node-wide Traces belong in %s)"
                .formatted(spec.getFilter().namespace(), namespace, names(nodeWideNamespaces)));
      }
    }
    if (spec.getOutputMode() == OutputMode.EXTERNAL_RESOURCE
        && ExternalResourceName.validate(spec.getOutput()).isEmpty()) {
      String target = ExternalResourceName.parse(spec.getOutput()).namespace();
      if (!mayWriteInto(namespace, target)) {
        return Optional.of(
            "Output \"%s\" is outside namespace \"%s\": a Trace writes its ExternalResource into its own namespace%s"
                .formatted(
                    spec.getOutput(),
                    namespace,
                    externalResourceNamespaces.isEmpty()
                        ? ""
                        : " or " + names(externalResourceNamespaces)));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a Trace of {@code traceNamespace} may write its ExternalResource into {@code target}.
   */
  public boolean mayWriteInto(String traceNamespace, String target) {
    return target.equals(traceNamespace) || externalResourceNamespaces.contains(target);
  }

  /**
   * The filter the node applies: a tenant's Trace without a namespace in its filter gets its own
   * namespace, so the agent selects only that namespace's pods and never host processes.
   */
  public TraceFilter effectiveFilter(Trace trace) {
    String namespace = trace.getMetadata().getNamespace();
    TraceFilter filter = trace.getSpec().getFilter();
    if (filter == null) {
      filter = new TraceFilter(null, null, null, null);
    }
    if (isNodeWide(namespace) || !filter.namespaces().isEmpty()) {
      return filter;
    }
    return new TraceFilter(namespace, filter.podname(), filter.containerName(), filter.labels());
  }

  private boolean isNodeWide(String namespace) {
    return nodeWideNamespaces.contains("*") || nodeWideNamespaces.contains(namespace);
  }

  private static String names(Set<String> namespaces) {
    return String.join(", ", new TreeSet<>(namespaces));
  }
}
