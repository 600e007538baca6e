package io.gadgetflow.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class or method the run's shared Kafka broker: declare a {@link
 * KafkaBroker} parameter on a test, lifecycle method or constructor; or a {@link
 * SecuredKafkaBroker} for the run's broker that requires each role's credentials.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(KafkaExtension.class)
public @interface WithKafka {}
