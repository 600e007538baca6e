package io.gadgetflow.web.access;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as the Kubernetes API server knows them.
 *
 * @param viaKubeconfig true for the one person of local mode, who acts with the server's own
 *     kubeconfig; their permissions are that identity's
 */
public record Caller(
    String username,
    String uid,
    List<String> groups,
    Map<String, List<String>> extra,
    boolean viaKubeconfig) {

  public Caller {
    groups = groups == null ? List.of() : List.copyOf(groups);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  /** The identity of the kubeconfig the server runs with, named as the API server names it. */
  public static Caller kubeconfigIdentity(String username, List<String> groups) {
    return new Caller(username, null, groups, Map.of(), true);
  }
}
