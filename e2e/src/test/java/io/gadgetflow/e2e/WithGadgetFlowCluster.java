package io.gadgetflow.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class takes the tier's {@link GadgetFlowCluster} as a parameter; a failed test prints
 * the cluster's state ({@link FailureDiagnostics}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({ClusterExtension.class, FailureDiagnostics.class})
@interface WithGadgetFlowCluster {}
