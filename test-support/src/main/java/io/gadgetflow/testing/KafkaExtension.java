package io.gadgetflow.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KafkaBroker} parameters to one broker for the whole test run, and {@link
 * SecuredKafkaBroker} parameters to one other that requires authentication: each started on first
 * use, kept in the root context's store and stopped, its data deleted, when the run ends. Every
 * test class in a JVM fork therefore pays each broker's start-up once.
 */
public final class KafkaExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaExtension.class);

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == KafkaBroker.class || type == SecuredKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    ExtensionContext.Store store = extensionContext.getRoot().getStore(NAMESPACE);
    if (parameterContext.getParameter().getType() == SecuredKafkaBroker.class) {
      return store
          .getOrComputeIfAbsent(
              SecuredKafkaBroker.class, type -> SharedKafka.startSecured(), SharedKafka.class)
          .securedBroker();
    }
    return store
        .getOrComputeIfAbsent(SharedKafka.class, type -> SharedKafka.start(), SharedKafka.class)
        .broker();
  }
}
