package io.gadgetflow.node.gadget;

import io.gadgetflow.api.event.CommonEventFields;

/**
 * What a running gadget answers in {@code status.output}, read as the node agent reads it, for
 * tests without a container registry: every mount namespace is named as the node agent names the
 * host's processes, on a node called {@value #NODE}.
 */
public final class GadgetResults {
  public static final String NODE = "test-node";

  public static final ContainerNames HOST_ON_TEST_NODE =
      (mountNsId, out) -> {
        out.field(JsonName.of(CommonEventFields.NODE), NODE);
        out.field(JsonName.of(CommonEventFields.NAMESPACE), "");
        out.field(JsonName.of(CommonEventFields.POD), "");
        out.field(JsonName.of(CommonEventFields.CONTAINER), "");
      };

  private GadgetResults() {}

  public static StatusOutput.Result read(RunningGadget gadget) {
    return gadget.program().result().orElseThrow().read(gadget, HOST_ON_TEST_NODE);
  }
}
