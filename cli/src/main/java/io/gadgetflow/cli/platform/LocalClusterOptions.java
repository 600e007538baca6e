package io.gadgetflow.cli.platform;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code gadgetflow cluster} runs.
 *
 * @param nodeName the name of the cluster's one node
 * @param dataDir the cluster's state: the control plane's ({@code kube/}, with the kubeconfig),
 *     Kafka's ({@code kafka/}) and the node's ({@code node/}); cleared at every start
 * @param imageStore containerd's images, kept between runs
 * @param imageArchive the images {@code k8s/images/build.sh} built
 * @param kubectlGadget the {@code kubectl-gadget} launcher that deploys GadgetFlow
 * @param kafkaPort the port of Kafka on the node's address
 * @param dashboardPort the loopback port that forwards to the web UI's Service; 0 picks a free one
 * @param deployTimeout how long the deployment may take until every pod is Ready
 * @param otherClusterTimeout how long to wait for another local cluster of this machine to stop
 *     (there can be one only); zero to fail at once
 */
public record LocalClusterOptions(
    String nodeName,
    Path dataDir,
    Path imageStore,
    Path imageArchive,
    Path kubectlGadget,
    int kafkaPort,
    int dashboardPort,
    Duration deployTimeout,
    Duration otherClusterTimeout) {}
