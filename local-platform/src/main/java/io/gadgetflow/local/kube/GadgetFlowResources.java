package io.gadgetflow.local.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.trace.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What GadgetFlow needs in any cluster before its parts start: the Trace CRD, served, and the
 * namespace its clients create Traces in. Applying is idempotent, so it runs on every start and
 * brings an older CRD up to date.
 */
public final class GadgetFlowResources {
  /** Server-side apply records this name as the owner of the fields it set. */
  private static final String FIELD_MANAGER = "gadgetflow";

  /** The CRD from k8s/crd, which the build packages beside this class. */
  private static final String CRD_RESOURCE = Trace.CRD_NAME + ".yaml";

  private GadgetFlowResources() {}

  /**
   * Applies the Trace CRD and the {@value Trace#DEFAULT_NAMESPACE} namespace and returns once the
   * API server serves Traces.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server refuses them
   *     or does not establish the CRD within {@code timeout}
   */
  public static void install(KubernetesClient client, Duration timeout) {
    client
        .resource(traceCrd(client))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(Trace.CRD_NAME)
        .waitUntilCondition(
            GadgetFlowResources::isEstablished, timeout.toMillis(), TimeUnit.MILLISECONDS);
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(Trace.DEFAULT_NAMESPACE)
                .endMetadata()
                .build())
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  private static CustomResourceDefinition traceCrd(KubernetesClient client) {
    try (InputStream yaml = GadgetFlowResources.class.getResourceAsStream(CRD_RESOURCE)) {
      if (yaml == null) {
        throw new IllegalStateException(
            CRD_RESOURCE + " is missing from the class path; the build copies it from k8s/crd");
      }
      return client.apiextensions().v1().customResourceDefinitions().load(yaml).item();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + CRD_RESOURCE, e);
    }
  }

  /** The API server's word that it serves the CRD's resources. */
  private static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        // The API server writes a status before it has any condition to put in it.
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(
                condition ->
                    "Established".equals(condition.getType())
                        && "True".equals(condition.getStatus()));
  }
}
