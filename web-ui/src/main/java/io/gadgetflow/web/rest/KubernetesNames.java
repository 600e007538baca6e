package io.gadgetflow.web.rest;

import io.gadgetflow.web.http.ApiException;
import java.util.regex.Pattern;

/** The name rules of Kubernetes, checked before a request reaches the API server. */
final class KubernetesNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
  private static final Pattern LABEL_KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  static final int MAX_SUBDOMAIN = 253;
  static final int MAX_LABEL = 63;

  private KubernetesNames() {}

  /** A namespace name (an RFC 1123 label). */
  static boolean isNamespace(String name) {
    return name != null && name.length() <= MAX_LABEL && LABEL.matcher(name).matches();
  }

  /** An object or node name (an RFC 1123 subdomain). */
  static boolean isObjectName(String name) {
    return name != null && name.length() <= MAX_SUBDOMAIN && SUBDOMAIN.matcher(name).matches();
  }

  static boolean isLabelKey(String key) {
    return key != null
        && key.length() <= MAX_SUBDOMAIN + 1 + MAX_LABEL
        && LABEL_KEY.matcher(key).matches();
  }

  static boolean isLabelValue(String value) {
    return value != null && value.length() <= MAX_LABEL && LABEL_VALUE.matcher(value).matches();
  }

  /** Why a path's namespace or name is refused: 400 naming the path parameter. */
  static String requireNamespace(String namespace) {
    if (!isNamespace(namespace)) {
      throw ApiException.invalid(
          "namespace", "\"" + namespace + "\" is not a namespace name (RFC 1123 label)");
    }
    return namespace;
  }

  static String requireTraceName(String name) {
    if (!isObjectName(name)) {
      throw ApiException.invalid(
          "name", "\"" + name + "\" is not a Trace name (RFC 1123 subdomain)");
    }
    return name;
  }
}
