package io.gadgetflow.node.gadget;

import io.gadgetflow.api.event.CommonEventFields;

/**
 * Names every mount namespace as the node agent names the host's processes, on a node called
 * {@value #NODE}: for gadgets run by tests without a container registry.
 */
public final class HostNames {
  public static final String NODE = "test-node";

  public static final ContainerNames ON_TEST_NODE =
      (mountNsId, out) -> {
        out.field(JsonName.of(CommonEventFields.NODE), NODE);
        out.field(JsonName.of(CommonEventFields.NAMESPACE), "");
        out.field(JsonName.of(CommonEventFields.POD), "");
        out.field(JsonName.of(CommonEventFields.CONTAINER), "");
      };

  private HostNames() {}
}
