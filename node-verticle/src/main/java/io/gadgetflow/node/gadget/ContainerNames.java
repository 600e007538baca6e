package io.gadgetflow.node.gadget;

/**
 * Writes the names of the container a mount namespace belongs to (node, namespace, pod, container)
 * into the object {@code out} has open: what the node agent adds to each row of a top gadget's
 * table, as it adds them to each event.
 */
@FunctionalInterface
public interface ContainerNames {
  void write(long mountNsId, JsonEventWriter out);
}
