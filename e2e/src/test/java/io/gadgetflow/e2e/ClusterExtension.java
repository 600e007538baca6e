package io.gadgetflow.e2e;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the tier's one {@link GadgetFlowCluster}, started for the first test that asks and
 * stopped when the test run ends (unless a test stopped it before).
 */
final class ClusterExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == GadgetFlowCluster.class;
  }

  @Override
  public GadgetFlowCluster resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            GadgetFlowCluster.class, key -> GadgetFlowCluster.start(), GadgetFlowCluster.class);
  }

  /** The tier's cluster if a test started it. */
  static Optional<GadgetFlowCluster> startedCluster(ExtensionContext context) {
    return Optional.ofNullable(
        context
            .getRoot()
            .getStore(NAMESPACE)
            .get(GadgetFlowCluster.class, GadgetFlowCluster.class));
  }
}
