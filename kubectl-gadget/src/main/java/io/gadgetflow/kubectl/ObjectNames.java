package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Locale;

/** How kubectl names an object in what it prints, e.g. {@code serviceaccount/gadgetflow-node}. */
final class ObjectNames {
  private ObjectNames() {}

  static String of(HasMetadata object) {
    String kind = object.getKind().toLowerCase(Locale.ROOT);
    String apiVersion = object.getApiVersion();
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    String qualifier = slash < 0 ? "" : "." + apiVersion.substring(0, slash);
    String namespace = object.getMetadata().getNamespace();
    return kind
        + qualifier
        + "/"
        + object.getMetadata().getName()
        + (namespace == null ? "" : " (namespace " + namespace + ")");
  }
}
