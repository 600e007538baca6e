package io.gadgetflow.cli.platform;

import java.nio.file.Path;

/**
 * How {@code gadgetflow up} runs.
 *
 * @param kafkaBootstrapServers an existing Kafka to use, or null for the embedded broker
 * @param kubeconfig an existing cluster to use, or null for the local control plane
 * @param nodeName the name this machine's node agent answers to
 */
public record LocalPlatformOptions(
    String kafkaBootstrapServers, Path kubeconfig, String nodeName) {}
