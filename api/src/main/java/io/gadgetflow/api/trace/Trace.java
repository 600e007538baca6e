package io.gadgetflow.api.trace;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The Inspektor Gadget {@code Trace} resource: one gadget run on one node, driven by the operation
 * annotation. Field names and constants are byte-compatible with Inspektor Gadget's CRD.
 */
@Group(Trace.GROUP)
@Version(Trace.VERSION)
@Kind(Trace.KIND)
@Plural(Trace.PLURAL)
@Singular(Trace.SINGULAR)
public final class Trace extends CustomResource<TraceSpec, TraceStatus> implements Namespaced {
  public static final String GROUP = "gadget.kinvolk.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "Trace";
  public static final String PLURAL = "traces";
  public static final String SINGULAR = "trace";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  /** The namespace Inspektor Gadget's clients create Traces in. */
  public static final String DEFAULT_NAMESPACE = "gadget";

  /** Setting this annotation asks the controller to run one {@link Operation}. */
  public static final String OPERATION_ANNOTATION = GROUP + "/operation";

  public static final String FINALIZER = GROUP + "/finalizer";

  @Override
  protected TraceSpec initSpec() {
    return new TraceSpec();
  }
}
