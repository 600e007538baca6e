package io.gadgetflow.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KubernetesCluster} parameters to one control plane for the whole test run:
 * started on first use, kept in the root context's store and stopped, its data deleted, when the
 * run ends. Every test class in a JVM fork therefore pays the API server's start-up once.
 */
public final class KubernetesExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubernetesExtension.class);

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == KubernetesCluster.class;
  }

  @Override
  public KubernetesCluster resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return extensionContext
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            SharedKubernetes.class, type -> SharedKubernetes.start(), SharedKubernetes.class)
        .cluster();
  }
}
