package io.gadgetflow.web;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.trace.Trace;
import java.util.List;

/**
 * Users of a test namespace as the API server knows them: service accounts with a Role on Traces
 * (or none) and a real token, which the web UI must review and authorize like any other.
 */
final class TraceUsers {
  private TraceUsers() {}

  /**
   * Creates service account {@code name} in {@code namespace}, allowed {@code verbs} on Traces
   * there, and returns a token of it for the web UI's audience.
   */
  static String tokenOf(KubernetesClient client, String namespace, String name, String... verbs) {
    createUser(client, namespace, name, verbs);
    return token(client, namespace, name, WebConfig.DEFAULT_TOKEN_AUDIENCE);
  }

  /** A token of service account {@code name} for {@code audience}, or the API server's if null. */
  static String token(KubernetesClient client, String namespace, String name, String audience) {
    return client
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(3600L)
                .withAudiences(audience == null ? List.of() : List.of(audience))
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  private static void createUser(
      KubernetesClient client, String namespace, String name, String... verbs) {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    if (verbs.length > 0) {
      client
          .rbac()
          .roles()
          .inNamespace(namespace)
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withRules(
                      new PolicyRuleBuilder()
                          .withApiGroups(Trace.GROUP)
                          .withResources(Trace.PLURAL)
                          .withVerbs(verbs)
                          .build())
                  .build())
          .create();
      client
          .rbac()
          .roleBindings()
          .inNamespace(namespace)
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                  .withSubjects(
                      List.of(
                          new SubjectBuilder()
                              .withKind("ServiceAccount")
                              .withName(name)
                              .withNamespace(namespace)
                              .build()))
                  .build())
          .create();
    }
  }
}
