package io.gadgetflow.web.access;

/**
 * What a request does to Traces, in Kubernetes RBAC terms: the verb on {@code
 * traces.gadget.kinvolk.io} in one namespace, and the Trace's name when it acts on one.
 */
public record TraceAccess(String verb, String namespace, String name) {
  public static final String GET = "get";
  public static final String LIST = "list";
  public static final String CREATE = "create";
  public static final String PATCH = "patch";
  public static final String DELETE = "delete";

  public static TraceAccess onAll(String verb, String namespace) {
    return new TraceAccess(verb, namespace, null);
  }

  public static TraceAccess onOne(String verb, String namespace, String name) {
    return new TraceAccess(verb, namespace, name);
  }
}
