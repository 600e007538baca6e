package io.gadgetflow.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class or method the run's shared Kubernetes API server: declare a {@link
 * KubernetesCluster} parameter on a test, lifecycle method or constructor.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(KubernetesExtension.class)
public @interface WithKubernetes {}
