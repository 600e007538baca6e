package io.gadgetflow.node.trace;

import java.nio.file.Path;

/**
 * What running traces takes from the agent's configuration.
 *
 * @param nodeName the node this agent serves; its traces' control records name it
 * @param ringBufferBytes each gadget's kernel ring buffer, a power of two
 * @param fileOutputDirectory the only directory {@code outputMode: File} traces may write to
 */
public record TraceSettings(String nodeName, int ringBufferBytes, Path fileOutputDirectory) {}
