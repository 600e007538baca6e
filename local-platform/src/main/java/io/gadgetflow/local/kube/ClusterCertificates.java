package io.gadgetflow.local.kube;

import io.gadgetflow.local.Certificates;
import io.gadgetflow.local.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The control plane's credentials as PEM files in one directory: a certificate authority, the API
 * server's serving certificate, the administrator's client certificate, the key pair that signs
 * service account tokens, etcd's certificate (serving its clients and its peer port, and presented
 * to itself as a peer) and the API server's client certificate for etcd, which accepts no client
 * without one; with a {@link WorkerNode}, also the client certificates of its kubelet,
 * kube-scheduler and kube-controller-manager, and the node's address in the serving certificate.
 * Created once and reused, so a kubeconfig and the service account tokens of an earlier start stay
 * valid.
 */
final class ClusterCertificates {
  /** The administrator is in the group that RBAC lets do anything, as kubeadm's admin is. */
  private static final String ADMIN_USER = "gadgetflow-admin";

  private static final String ADMIN_GROUP = "system:masters";

  /**
   * What pods use to reach the API server: the first address of the service range that the command
   * line gives kube-apiserver, and the in-cluster names of the {@code kubernetes} service.
   */
  private static final List<GeneralName> API_SERVER_NAMES =
      List.of(
          new GeneralName(GeneralName.iPAddress, LoopbackPorts.HOST),
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "10.0.0.1"),
          new GeneralName(GeneralName.dNSName, "kubernetes"),
          new GeneralName(GeneralName.dNSName, "kubernetes.default"),
          new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
          new GeneralName(GeneralName.dNSName, "kubernetes.default.svc.cluster.local"));

  /** The client certificate of {@code user} (in {@code group}, if any) in {@code <file>.crt}. */
  private record Client(String file, String user, String group) {
    X500Name subject() {
      return new X500Name((group == null ? "" : "O=" + group + ",") + "CN=" + user);
    }
  }

  private static final Client ADMIN = new Client("admin", ADMIN_USER, ADMIN_GROUP);
  private static final Client SCHEDULER =
      new Client("kube-scheduler", "system:kube-scheduler", null);
  private static final Client CONTROLLER_MANAGER =
      new Client("kube-controller-manager", "system:kube-controller-manager", null);
  private static final String KUBELET_FILE = "kubelet";

  private final Path directory;
  private final WorkerNode node;

  private ClusterCertificates(Path directory, WorkerNode node) {
    this.directory = directory;
    this.node = node;
  }

  /** The credentials in {@code directory}, made now unless all of them are there already. */
  static ClusterCertificates loadOrCreate(Path directory) {
    return loadOrCreate(directory, null);
  }

  /**
   * The credentials of a control plane that {@code node} (null: none) joins, made now unless all of
   * them are there already.
   */
  static ClusterCertificates loadOrCreate(Path directory, WorkerNode node) {
    ClusterCertificates certificates = new ClusterCertificates(directory, node);
    if (!certificates.complete()) {
      certificates.create();
    }
    return certificates;
  }

  Path caCertificate() {
    return directory.resolve("ca.crt");
  }

  Path apiServerCertificate() {
    return directory.resolve("apiserver.crt");
  }

  Path apiServerKey() {
    return directory.resolve("apiserver.key");
  }

  Path adminCertificate() {
    return certificate(ADMIN);
  }

  Path adminKey() {
    return key(ADMIN);
  }

  /** The worker node's kubelet's certificate and key; only with a {@link WorkerNode}. */
  Path kubeletCertificate() {
    return directory.resolve(KUBELET_FILE + ".crt");
  }

  Path kubeletKey() {
    return directory.resolve(KUBELET_FILE + ".key");
  }

  Path schedulerCertificate() {
    return certificate(SCHEDULER);
  }

  Path schedulerKey() {
    return key(SCHEDULER);
  }

  Path controllerManagerCertificate() {
    return certificate(CONTROLLER_MANAGER);
  }

  Path controllerManagerKey() {
    return key(CONTROLLER_MANAGER);
  }

  Path etcdCertificate() {
    return directory.resolve("etcd.crt");
  }

  Path etcdKey() {
    return directory.resolve("etcd.key");
  }

  Path apiServerEtcdClientCertificate() {
    return directory.resolve("apiserver-etcd-client.crt");
  }

  Path apiServerEtcdClientKey() {
    return directory.resolve("apiserver-etcd-client.key");
  }

  Path serviceAccountPublicKey() {
    return directory.resolve("service-account.pub");
  }

  Path serviceAccountKey() {
    return directory.resolve("service-account.key");
  }

  private Path certificate(Client client) {
    return directory.resolve(client.file() + ".crt");
  }

  private Path key(Client client) {
    return directory.resolve(client.file() + ".key");
  }

  /** The clients of the worker node's components; none without a worker node. */
  private List<Client> nodeClients() {
    return node == null
        ? List.of()
        : List.of(
            new Client(KUBELET_FILE, node.kubeletUser(), "system:nodes"),
            SCHEDULER,
            CONTROLLER_MANAGER);
  }

  private Stream<Path> files() {
    return Stream.concat(
        Stream.of(
            caCertificate(),
            apiServerCertificate(),
            apiServerKey(),
            adminCertificate(),
            adminKey(),
            etcdCertificate(),
            etcdKey(),
            apiServerEtcdClientCertificate(),
            apiServerEtcdClientKey(),
            serviceAccountPublicKey(),
            serviceAccountKey()),
        nodeClients().stream().flatMap(client -> Stream.of(certificate(client), key(client))));
  }

  private boolean complete() {
    return files().allMatch(Files::isRegularFile);
  }

  /** Makes all of them anew: a partial set is what an interrupted creation leaves. */
  private void create() {
    try {
      Files.createDirectories(directory);
      // Removed first and written last, so until the new set is whole, complete() finds it missing
      // and a creation cut short is redone on the next start, never mixed with an older set.
      Files.deleteIfExists(caCertificate());
      KeyPair ca = Certificates.newKeyPair();
      X500Name caName = new X500Name("CN=gadgetflow-local-ca");
      X509CertificateHolder caCertificate = Certificates.selfSignedAuthority(caName, ca);

      KeyPair apiServer = Certificates.newKeyPair();
      X509v3CertificateBuilder apiServerBuilder =
          Certificates.leaf(
              caName, new X500Name("CN=kube-apiserver"), apiServer.getPublic(), ca.getPublic());
      apiServerBuilder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      List<GeneralName> names = new ArrayList<>(API_SERVER_NAMES);
      if (node != null) {
        names.add(new GeneralName(GeneralName.iPAddress, node.address()));
      }
      apiServerBuilder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));

      // RSA for the administrator, whose key clients read from the kubeconfig: the fabric8 client
      // (7.5) reads a PKCS #8 key as RSA unless told otherwise, and kubeconfigs do not say. The
      // node's components are Go programs, which read any key.
      writeClient(ADMIN, Certificates.newRsaKeyPair(), caName, ca);
      for (Client client : nodeClients()) {
        writeClient(client, Certificates.newKeyPair(), caName, ca);
      }

      KeyPair etcd = Certificates.newKeyPair();
      X509v3CertificateBuilder etcdBuilder =
          Certificates.leaf(caName, new X500Name("CN=etcd"), etcd.getPublic(), ca.getPublic());
      etcdBuilder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      etcdBuilder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, LoopbackPorts.HOST),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));

      KeyPair etcdClient = Certificates.newKeyPair();
      X509v3CertificateBuilder etcdClientBuilder =
          Certificates.leaf(
              caName,
              new X500Name("CN=kube-apiserver-etcd-client"),
              etcdClient.getPublic(),
              ca.getPublic());
      etcdClientBuilder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));

      KeyPair serviceAccount = Certificates.newKeyPair();

      Certificates.writeKey(apiServerKey(), apiServer.getPrivate());
      Certificates.writePem(
          apiServerCertificate(),
          "CERTIFICATE",
          Certificates.sign(apiServerBuilder, ca.getPrivate()));
      Certificates.writeKey(etcdKey(), etcd.getPrivate());
      Certificates.writePem(
          etcdCertificate(), "CERTIFICATE", Certificates.sign(etcdBuilder, ca.getPrivate()));
      Certificates.writeKey(apiServerEtcdClientKey(), etcdClient.getPrivate());
      Certificates.writePem(
          apiServerEtcdClientCertificate(),
          "CERTIFICATE",
          Certificates.sign(etcdClientBuilder, ca.getPrivate()));
      Certificates.writeKey(serviceAccountKey(), serviceAccount.getPrivate());
      Certificates.writePem(
          serviceAccountPublicKey(), "PUBLIC KEY", serviceAccount.getPublic().getEncoded());
      Certificates.writePem(caCertificate(), "CERTIFICATE", caCertificate.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the control plane's certificates to " + directory, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot create the control plane's certificates", e);
    }
  }

  private void writeClient(Client client, KeyPair keyPair, X500Name caName, KeyPair ca)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    X509v3CertificateBuilder builder =
        Certificates.leaf(caName, client.subject(), keyPair.getPublic(), ca.getPublic());
    builder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    Certificates.writeKey(key(client), keyPair.getPrivate());
    Certificates.writePem(
        certificate(client), "CERTIFICATE", Certificates.sign(builder, ca.getPrivate()));
  }
}
