package io.gadgetflow.cli.platform;

import java.nio.file.Path;

/**
 * How {@code gadgetflow up} runs.
 *
 * @param kafkaBootstrapServers an existing Kafka to use, or null for the embedded broker
 * @param kubeconfig an existing cluster to use, or null for the local control plane
 * @param nodeName the name this machine's node agent answers to
 * @param dataDir where the embedded broker ({@code kafka/}) and control plane ({@code kube/}) keep
 *     their data between runs
 * @param kafkaPort the embedded broker's loopback port; 0 picks a free one
 * @param apiServerPort the local API server's loopback port; 0 picks a free one
 */
public record LocalPlatformOptions(
    String kafkaBootstrapServers,
    Path kubeconfig,
    String nodeName,
    Path dataDir,
    int kafkaPort,
    int apiServerPort) {}
