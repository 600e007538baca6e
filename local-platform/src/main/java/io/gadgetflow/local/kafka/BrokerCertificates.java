package io.gadgetflow.local.kafka;

import io.gadgetflow.local.Certificates;
import io.gadgetflow.local.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The TLS of a broker whose clients reach it over a network (the local cluster's pods): an
 * authority of its own ({@code ca.crt}, what clients trust; its key is not kept, nothing else is
 * ever signed) and the broker's key with its certificate for its one address ({@code broker.pem},
 * Kafka's PEM key store). Made once beside the users' passwords and reused.
 */
final class BrokerCertificates {
  private final Path directory;

  private BrokerCertificates(Path directory) {
    this.directory = directory;
  }

  /** The certificates in {@code directory}, made now for {@code host} unless they are there. */
  static BrokerCertificates loadOrCreate(Path directory, String host) {
    BrokerCertificates certificates = new BrokerCertificates(directory);
    if (!Files.isRegularFile(certificates.caCertificate())
        || !Files.isRegularFile(certificates.keyStore())) {
      certificates.create(host);
    }
    return certificates;
  }

  /** What clients trust: PEM, Kafka's {@code ssl.truststore.type=PEM}. */
  Path caCertificate() {
    return directory.resolve("ca.crt");
  }

  /** The broker's PKCS #8 key followed by its certificate: {@code ssl.keystore.type=PEM}. */
  Path keyStore() {
    return directory.resolve("broker.pem");
  }

  private void create(String host) {
    try {
      KeyPair ca = Certificates.newKeyPair();
      X500Name caName = new X500Name("CN=gadgetflow-kafka-ca");
      byte[] caCertificate = Certificates.selfSignedAuthority(caName, ca).getEncoded();
      KeyPair broker = Certificates.newKeyPair();
      X509v3CertificateBuilder builder =
          Certificates.leaf(
              caName, new X500Name("CN=gadgetflow-kafka"), broker.getPublic(), ca.getPublic());
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(subjectName(host)));
      OwnerOnlyFiles.write(
          keyStore(),
          Certificates.keyPem(broker.getPrivate())
              + Certificates.pem("CERTIFICATE", Certificates.sign(builder, ca.getPrivate())));
      // Last: a creation cut short leaves no ca.crt and is redone.
      Certificates.writePem(caCertificate(), "CERTIFICATE", caCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write Kafka's certificates to " + directory, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot create Kafka's certificates", e);
    }
  }

  /** Clients check the broker's address against this: an IP address, or a DNS name. */
  private static GeneralName subjectName(String host) {
    return isIpAddress(host)
        ? new GeneralName(GeneralName.iPAddress, host)
        : new GeneralName(GeneralName.dNSName, host);
  }

  private static boolean isIpAddress(String host) {
    try {
      // A literal is parsed, never looked up.
      InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
