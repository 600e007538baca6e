package io.gadgetflow.controller.identity;

import java.nio.file.Path;

/**
 * Where the controller learns which key each node signs its status records with.
 *
 * @param keyDirectory node keys it trusts as they are ({@code <node>.key}, owner-only), written by
 *     {@code gadgetflow up}'s launcher; null for none
 * @param nodeServiceAccount the user a node agent's token must review as ({@code
 *     system:serviceaccount:<namespace>:<name>}) for its registration to be trusted; null: no
 *     registrations are read
 * @param tokenAudience the audience a node agent's token must be minted for
 */
public record NodeTrust(Path keyDirectory, String nodeServiceAccount, String tokenAudience) {
  public static final String DEFAULT_NODE_SERVICE_ACCOUNT =
      "system:serviceaccount:gadget:gadgetflow-node";
  public static final String DEFAULT_TOKEN_AUDIENCE = "gadgetflow-node";

  /** Registrations reviewed for the installation's node service account, as on a cluster. */
  public static final NodeTrust REGISTERED =
      new NodeTrust(null, DEFAULT_NODE_SERVICE_ACCOUNT, DEFAULT_TOKEN_AUDIENCE);

  /** Only the keys in {@code directory}. */
  public static NodeTrust directory(Path directory) {
    return new NodeTrust(directory, null, DEFAULT_TOKEN_AUDIENCE);
  }

  public boolean readsRegistrations() {
    return nodeServiceAccount != null;
  }
}
