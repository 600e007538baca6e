package io.gadgetflow.kubectl;

import io.gadgetflow.api.trace.TraceFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Which containers a gadget looks at, with Inspektor Gadget's flags. As there, the namespace is the
 * kubeconfig context's unless {@code -n} names one or {@code -A} asks for all.
 */
final class FilterOptions {
  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Only pods in this namespace (default: the kubeconfig context's namespace).")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Pods in every namespace; overrides -n.")
  boolean allNamespaces;

  @Option(
      names = {"-p", "--podname"},
      paramLabel = "POD",
      description = "Only pods with this name.")
  String podname;

  @Option(
      names = {"-c", "--containername"},
      paramLabel = "CONTAINER",
      description = "Only containers with this name.")
  String containername;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "KEY=VALUE[,...]",
      converter = LabelSelectorConverter.class,
      description = "Only pods with all these labels (only '=' is supported).")
  LabelSelector selector = new LabelSelector(Map.of());

  TraceFilter toFilter(String defaultNamespace) {
    String effectiveNamespace =
        allNamespaces ? null : namespace == null ? defaultNamespace : namespace;
    return new TraceFilter(effectiveNamespace, podname, containername, selector.labels());
  }

  record LabelSelector(Map<String, String> labels) {}

  /** Reads {@code key=value[,key=value...]}, the only selector form Inspektor Gadget took. */
  static final class LabelSelectorConverter implements ITypeConverter<LabelSelector> {
    @Override
    public LabelSelector convert(String selector) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (String pair : selector.split(",", -1)) {
        int equals = pair.indexOf('=');
        if (equals <= 0 || equals != pair.lastIndexOf('=') || equals == pair.length() - 1) {
          throw new TypeConversionException(
              "expected key=value pairs separated by commas, not \"" + selector + "\"");
        }
        labels.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
      }
      return new LabelSelector(labels);
    }
  }
}
